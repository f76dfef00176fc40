package io.qgate.gateway.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The option table of docs/configuration.md is the reference users read; it must not fall
 * behind. Every option has its row: the key, its short flag (an empty cell when it has none)
 * and its default ({@code (none)} when empty).
 */
class DocsDocumentEveryOptionTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    @Test
    void everyKeyFlagAndDefaultIsInTheConfigurationReference() throws Exception {
        String reference = Files.readString(REFERENCE);
        for (Option option : Option.values()) {
            String flag = option.flag() == null ? "" : "`" + option.flag() + "` ";
            String defaultValue = option.defaultValue().isEmpty() ? "(none)" : "`" + option.defaultValue() + "`";
            assertThat(reference).as(option.key())
                    .containsPattern("(?m)^\\| `" + Pattern.quote(option.key()) + "` \\| " + Pattern.quote(flag)
                            + "\\| " + Pattern.quote(defaultValue) + " \\|");
        }
    }

    @Test
    void theReadmeLinksTheConfigurationReference() throws Exception {
        assertThat(Files.readString(Path.of("..", "README.md"))).contains("(docs/configuration.md)");
    }
}
