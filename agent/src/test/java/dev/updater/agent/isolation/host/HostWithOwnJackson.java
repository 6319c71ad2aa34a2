package dev.updater.agent.isolation.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A host that ships its own Jackson, of another version than the agent's, and uses it before and
 * after the agent has loaded its own.
 */
public final class HostWithOwnJackson {
    private HostWithOwnJackson() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("host round trip before: " + roundTrip());
        AgentProbe.awaitAgentReport().forEach(System.out::println);
        System.out.println("host round trip after: " + roundTrip());
        System.out.println("host jackson-databind: " + PackageVersion.VERSION + ", loader "
                + ObjectMapper.class.getClassLoader().getName());

        Class<?> agentMapper = Class.forName(ObjectMapper.class.getName(), false,
                AgentProbe.agentThread().getContextClassLoader());
        System.out.println("agent ObjectMapper is the host's: " + (agentMapper == ObjectMapper.class));

        List<URL> poms = Collections.list(ClassLoader.getSystemResources(
                "META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties"));
        Properties pom = new Properties();
        try (InputStream in = poms.get(0).openStream()) {
            pom.load(in);
        }
        System.out.println("host sees jackson-databind pom.properties: " + poms.size() + ", version " + pom.getProperty("version"));
        System.out.println("host sees JsonFactory service files: " + Collections.list(ClassLoader.getSystemResources(
                "META-INF/services/com.fasterxml.jackson.core.JsonFactory")).size());
    }

    private static String roundTrip() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(Map.of("app", "host"));
        JsonNode parsed = mapper.readTree(json);
        return json + " -> " + parsed.get("app").asText();
    }
}
