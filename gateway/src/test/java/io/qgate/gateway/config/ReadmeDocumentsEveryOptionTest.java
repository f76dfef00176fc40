package io.qgate.gateway.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table is the reference users read; it must not fall behind. */
class ReadmeDocumentsEveryOptionTest {

    @Test
    void everyKeyAndDefaultIsInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Option option : Option.values()) {
            String defaultValue = option.defaultValue().isEmpty() ? "(none)" : "`" + option.defaultValue() + "`";
            assertThat(readme).as(option.key())
                    .containsPattern("\\| `" + java.util.regex.Pattern.quote(option.key()) + "` \\|[^|]*\\| "
                            + java.util.regex.Pattern.quote(defaultValue) + " \\|");
        }
    }
}
