package io.qgate.gateway.config;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Resolves the configuration in the documented order: defaults, then the YAML file
 * ({@code --config} or {@code QGATE_CONFIG}), then environment variables, then flags. Every layer
 * is checked for unknown keys, so a typo fails at start instead of being silently ignored.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /** Thrown for {@code --help}; its message is the usage text. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested(String usage) {
            super(usage, null, false, false);
        }
    }

    public static GatewayConfig load(String[] args, Map<String, String> environment) {
        Map<Option, String> values = ConfigValues.defaults();
        Map<Option, String> flags = parseFlags(args);
        String configFile = flags.containsKey(null) ? flags.remove(null) : environment.get("QGATE_CONFIG");
        List<Map<String, String>> pools = new ArrayList<>();
        if (configFile != null && !configFile.isBlank()) {
            values.putAll(readYaml(Path.of(configFile), pools));
        }
        for (Option option : Option.values()) {
            String fromKey = environment.get(option.environmentVariable());
            String fromFlag = option.flagEnvironmentVariable() == null ? null
                    : environment.get(option.flagEnvironmentVariable());
            if (fromKey != null) {
                values.put(option, fromKey);
            } else if (fromFlag != null) {
                values.put(option, fromFlag);
            }
        }
        values.putAll(flags);
        return ConfigValues.parse(values, pools);
    }

    /** Flags as options; the {@code null} key holds {@code --config}. */
    private static Map<Option, String> parseFlags(String[] args) {
        Map<Option, String> flags = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested(usage());
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg + " (see --help)");
            }
            String name = arg;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(arg + ": missing value (see --help)");
            }
            if (name.equals("--config")) {
                flags.put(null, value);
            } else {
                flags.put(optionOfFlag(name), value);
            }
        }
        return flags;
    }

    private static Option optionOfFlag(String name) {
        for (Option option : Option.values()) {
            if (name.equals(option.flag()) || name.equals("--" + option.key())) {
                return option;
            }
        }
        throw new IllegalArgumentException("unknown option: " + name + " (see --help)");
    }

    /** The file's options; its {@code pools} list, each pool's keys flattened, goes to {@code pools}. */
    private static Map<Option, String> readYaml(Path file, List<Map<String, String>> pools) {
        JsonNode root;
        try {
            root = YAMLMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
        }
        Map<Option, String> values = new EnumMap<>(Option.class);
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new IllegalArgumentException("config file " + file + ": expected a mapping at the top");
            }
            JsonNode poolList = ((ObjectNode) root).remove("pools");
            if (poolList != null) {
                readPools(poolList, pools, file);
            }
            flatten("", root, values, file);
        }
        return values;
    }

    private static void readPools(JsonNode list, List<Map<String, String>> pools, Path file) {
        if (!list.isArray()) {
            throw new IllegalArgumentException("config file " + file + ": pools expects a list of pools");
        }
        for (JsonNode pool : list) {
            if (!pool.isObject()) {
                throw new IllegalArgumentException("config file " + file
                        + ": each entry of pools is a mapping (name, models, endpoints or discovery, ...)");
            }
            Map<String, String> keys = new LinkedHashMap<>();
            flattenPool("", pool, keys, file);
            pools.add(keys);
        }
    }

    /** A pool's keys as paths; which of them a pool may set is checked with the values. */
    private static void flattenPool(String prefix, JsonNode node, Map<String, String> keys, Path file) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject()) {
                flattenPool(key, field.getValue(), keys, file);
            } else {
                keys.put(key, scalarOrList(key, field.getValue(), file));
            }
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<Option, String> values, Path file) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            Option option = Option.ofKey(key);
            if (option != null) {
                values.put(option, scalarOrList(key, value, file));
            } else if (value.isObject()) {
                flatten(key, value, values, file);
            } else {
                throw new IllegalArgumentException("config file " + file + ": unknown key " + key);
            }
        }
    }

    private static String scalarOrList(String key, JsonNode value, Path file) {
        if (value.isArray()) {
            StringJoiner joined = new StringJoiner(",");
            value.forEach(item -> joined.add(item.asString()));
            return joined.toString();
        }
        if (value.isContainer()) {
            throw new IllegalArgumentException("config file " + file + ": " + key + " expects a value, not a mapping");
        }
        return value.asString();
    }

    /** Where an option's description starts; a longer flag puts it on the next line. */
    private static final int HELP_COLUMN = 26;

    /** The --help text: every option with its flag, environment variable and default. */
    public static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: java -jar qgate-gateway.jar [--config FILE] [options]\n\n")
           .append("Every option is read, in this order, from its default, the YAML file (key),\n")
           .append("the environment (variable) and the command line (flag); the last one wins.\n")
           .append("Durations: 250ms, 2s, 10m. Sizes: 16MiB, 512KiB.\n\n");
        helpEntry(out, "--config FILE", "YAML configuration file (env QGATE_CONFIG)");
        for (Option option : Option.values()) {
            String flag = option.flag() != null ? option.flag() : "--" + option.key();
            // A flag named like its key (--admin-port, admin.port) has one variable, not two.
            String flagVariable = option.flagEnvironmentVariable();
            String env = flagVariable != null && !flagVariable.equals(option.environmentVariable())
                    ? option.environmentVariable() + " or " + flagVariable
                    : option.environmentVariable();
            helpEntry(out, flag, option.description());
            helpEntry(out, "", "key " + option.key() + ", env " + env + ", default "
                    + (option.defaultValue().isEmpty() ? "(none)" : option.defaultValue()));
        }
        return out.toString();
    }

    private static void helpEntry(StringBuilder out, String flag, String text) {
        out.append("  ").append(flag);
        int column = 2 + flag.length();
        if (column >= HELP_COLUMN) {
            out.append('\n');
            column = 0;
        }
        out.append(" ".repeat(HELP_COLUMN - column)).append(text).append('\n');
    }
}
