package dev.updater.agent.isolation.host;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A host with nothing but the JDK. After the agent has loaded its code (Jackson among it), it
 * looks for every class and resource the agent jar packs under {@code inst/}, by the name the
 * agent uses, and reports which it can see. Argument: the agent jar.
 */
public final class HostWithoutJackson {
    private HostWithoutJackson() {
    }

    public static void main(String[] args) throws Exception {
        AgentProbe.awaitAgentReport().forEach(System.out::println);

        for (String name : List.of("com.fasterxml.jackson.databind.ObjectMapper", "dev.updater.core.manifest.Manifest",
                "dev.updater.agent.AgentRuntime", "org.semver4j.Semver", "dev.updater.agent.boot.AgentBoot")) {
            System.out.println("class " + name + ": " + visibility(name));
        }
        for (String name : List.of("META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties",
                "META-INF/services/com.fasterxml.jackson.core.JsonFactory",
                "META-INF/services/com.fasterxml.jackson.core.ObjectCodec",
                "com/fasterxml/jackson/databind/ObjectMapper.class")) {
            System.out.println("resource " + name + ": " + Collections.list(ClassLoader.getSystemResources(name)).size());
        }

        Set<String> classes = new TreeSet<>();
        Set<String> resources = new TreeSet<>();
        packedNames(args[0], classes, resources);
        List<String> visibleClasses = classes.stream().filter(name -> !visibility(name).equals("ClassNotFoundException")).toList();
        List<String> visibleResources = resources.stream().filter(name -> ClassLoader.getSystemResource(name) != null).toList();
        System.out.println("agent classes the host sees: " + visibleClasses.size() + " of " + classes.size() + " " + visibleClasses);
        System.out.println("agent resources the host sees: " + visibleResources.size() + " of " + resources.size() + " " + visibleResources);
    }

    static String visibility(String className) {
        try {
            Class.forName(className, false, ClassLoader.getSystemClassLoader());
            return "visible";
        } catch (ClassNotFoundException e) {
            return "ClassNotFoundException";
        } catch (LinkageError e) {
            return e.toString();
        }
    }

    /** The names under which the agent's loader serves the jar's inst/ entries. */
    private static void packedNames(String agentJar, Set<String> classes, Set<String> resources) throws IOException {
        try (ZipFile jar = new ZipFile(agentJar)) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.startsWith("inst/") || name.endsWith("/")) {
                    continue;
                }
                name = name.substring("inst/".length());
                if (name.startsWith("META-INF/versions/")) {
                    name = name.substring(name.indexOf('/', "META-INF/versions/".length()) + 1);
                }
                if (name.endsWith(".classdata")) {
                    classes.add(name.substring(0, name.length() - ".classdata".length()).replace('/', '.'));
                    resources.add(name.substring(0, name.length() - ".classdata".length()) + ".class");
                } else if (!name.equals("META-INF/MANIFEST.MF")) {
                    // The host does see a META-INF/MANIFEST.MF in the agent jar: the boot manifest, by design.
                    resources.add(name);
                }
            }
        }
    }
}
