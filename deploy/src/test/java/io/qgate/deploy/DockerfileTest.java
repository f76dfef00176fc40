package io.qgate.deploy;

import io.qgate.gateway.config.Option;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile, read statically (no Docker needed; GatewayImageTest builds it where Docker exists). */
class DockerfileTest {

    private record Instruction(String keyword, String arguments) {}

    private record Stage(String image, String name, List<Instruction> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword.equals(keyword)).map(Instruction::arguments).toList();
        }
    }

    private static final Path ROOT = DeployFiles.repositoryRoot();

    private static List<Instruction> instructions() {
        String text = DeployFiles.read(ROOT.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
        List<Instruction> instructions = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
        }
        return instructions;
    }

    /** ARGs declared before the first FROM, with their defaults. */
    private static Map<String, String> globalArgs() {
        Map<String, String> args = new HashMap<>();
        for (Instruction instruction : instructions()) {
            if (instruction.keyword.equals("FROM")) {
                break;
            }
            if (instruction.keyword.equals("ARG")) {
                String[] kv = instruction.arguments.split("=", 2);
                args.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return args;
    }

    private static List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        Map<String, String> args = globalArgs();
        for (Instruction instruction : instructions()) {
            if (instruction.keyword.equals("FROM")) {
                String[] words = instruction.arguments.split("\\s+");
                String image = words[0];
                for (Map.Entry<String, String> arg : args.entrySet()) {
                    image = image.replace("${" + arg.getKey() + "}", arg.getValue());
                }
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                stages.add(new Stage(image, name, new ArrayList<>()));
            } else if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).instructions.add(instruction);
            }
        }
        return stages;
    }

    private static Stage last() {
        List<Stage> stages = stages();
        return stages.get(stages.size() - 1);
    }

    @Test
    void buildsWithMavenInOneStageAndRunsOnAJava21RuntimeInAnother() {
        List<Stage> stages = stages();
        assertThat(stages).hasSize(2);
        Stage build = stages.get(0);
        assertThat(build.name).isEqualTo("build");
        assertThat(build.image).startsWith("maven:").contains("21");
        assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run).contains("mvn").contains("-pl gateway -am"));
        assertThat(last().image).contains("21").containsAnyOf("jre", "runtime");
        assertThat(last().all("COPY")).allSatisfy(copy -> assertThat(copy).startsWith("--from=build "));
    }

    @Test
    void theBuildKeepsThePomsJavaRelease() {
        // The image's JDK is 21; the bytecode must stay Java 17 (the pom's release), so no override.
        assertThat(DeployFiles.read(ROOT.resolve("pom.xml"))).contains("<maven.compiler.release>17</maven.compiler.release>");
        assertThat(stages().get(0).all("RUN")).noneMatch(run -> run.contains("release") || run.contains("-source"));
    }

    @Test
    void noBuildToolsInTheFinalImage() {
        Stage runtime = last();
        assertThat(runtime.image).doesNotContain("maven").doesNotContain("jdk:").doesNotContain("-jdk");
        assertThat(runtime.all("RUN")).noneMatch(run -> run.matches(".*\\b(mvn|gradle|javac|apt-get|dnf|microdnf)\\b.*"));
    }

    @Test
    void runsAsANumericNonRootUserInGroupZero() {
        List<String> users = last().all("USER");
        String user = users.get(users.size() - 1);
        assertThat(user).matches("\\d+:0");
        assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
        // The last instruction that sets the user is the one that counts; nothing runs as root after it.
        List<Instruction> runtime = last().instructions;
        int lastUser = -1;
        for (int i = 0; i < runtime.size(); i++) {
            if (runtime.get(i).keyword.equals("USER")) {
                lastUser = i;
            }
        }
        assertThat(runtime.subList(lastUser, runtime.size())).noneMatch(i -> i.keyword.equals("RUN"));
        // Files are group 0 with the owner's rights, so an arbitrary UID in group 0 can use them.
        assertThat(String.join("\n", last().all("RUN"))).contains("chgrp -R 0").contains("chmod -R g=u");
    }

    @Test
    void exposesTheGatewaysDefaultPorts() {
        List<String> exposed = new ArrayList<>();
        last().all("EXPOSE").forEach(e -> exposed.addAll(List.of(e.split("\\s+"))));
        assertThat(exposed).containsExactlyInAnyOrder(
                Option.SERVER_PORT.defaultValue(), Option.ADMIN_PORT.defaultValue());
    }

    @Test
    void jvmSizesItselfFromTheContainer() {
        assertThat(String.join("\n", last().all("ENV")))
                .contains("JAVA_TOOL_OPTIONS").contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(last().all("ENTRYPOINT")).singleElement().satisfies(e -> assertThat(e).startsWith("[\"java\""));
    }

    @Test
    void imagesAreUnqualifiedAndOverridable() {
        // A registry host is a first path component with a dot or a port, or localhost.
        for (Stage stage : stages()) {
            String first = stage.image.split("/")[0];
            assertThat(stage.image.contains("/") && (first.contains(".") || first.contains(":")
                    || first.equals("localhost"))).as(stage.image).isFalse();
        }
        assertThat(globalArgs()).containsKeys("BUILD_IMAGE", "RUNTIME_IMAGE");
        assertThat(instructions()).filteredOn(i -> i.keyword.equals("FROM"))
                .allSatisfy(i -> assertThat(i.arguments).startsWith("${"));
    }

    @Test
    void copiesTheJarTheGatewayModuleBuildsAndEveryModulesPom() {
        assertThat(DeployFiles.read(ROOT.resolve("gateway/pom.xml"))).contains("<qgate.jar.name>qgate-gateway</qgate.jar.name>");
        assertThat(String.join("\n", last().all("COPY"))).contains("/src/gateway/target/qgate-gateway.jar");
        // The reactor reads every module's pom, so a new module needs a COPY line.
        List<String> copies = stages().get(0).all("COPY");
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(DeployFiles.read(ROOT.resolve("pom.xml")));
        while (module.find()) {
            String pom = module.group(1) + "/pom.xml";
            assertThat(copies).as(pom).anySatisfy(copy -> assertThat(copy).startsWith(pom + " "));
        }
    }

    @Test
    void dockerignoreKeepsWhatTheBuildCopiesAndDropsBuildOutput() {
        List<String> rules = DeployFiles.read(ROOT.resolve(".dockerignore")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String copy : stages().get(0).all("COPY")) {
            String source = copy.split("\\s+")[0];
            assertThat(ignored(rules, source)).as("%s is sent to the build", source).isFalse();
        }
        assertThat(ignored(rules, "gateway/target/qgate-gateway.jar")).isTrue();
        assertThat(ignored(rules, ".git")).isTrue();
        assertThat(ignored(rules, "bench/src")).isTrue();
    }

    /** .dockerignore semantics for the patterns used: globs, later rules win, "!" re-includes. */
    private static boolean ignored(List<String> rules, String path) {
        boolean ignored = false;
        for (String rule : rules) {
            boolean negated = rule.startsWith("!");
            String pattern = negated ? rule.substring(1) : rule;
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            Path candidate = Path.of(path);
            for (int i = 1; i <= candidate.getNameCount(); i++) {
                if (matcher.matches(candidate.subpath(0, i))
                        || (pattern.startsWith("**/") && FileSystems.getDefault()
                                .getPathMatcher("glob:" + pattern.substring(3)).matches(candidate.subpath(0, i)))) {
                    ignored = !negated;
                    break;
                }
            }
        }
        return ignored;
    }
}
