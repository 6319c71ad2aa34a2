package dev.updater.sidecar.testhost.apps;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Test only: a Spring Boot host (embedded Tomcat). Graceful stop on SIGTERM with
 * {@code server.shutdown=graceful}: Spring's shutdown hook stops accepting and waits for requests in
 * progress, up to {@code spring.lifecycle.timeout-per-shutdown-phase}. No component scan: this one
 * class is the whole application.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
// Not final: Spring subclasses configuration classes (proxyBeanMethods).
public class SpringBootApp implements DisposableBean {
    private static AppRelease release;

    public static void main(String[] args) throws Exception {
        release = AppRelease.load("spring-boot");
        int port = AppRelease.port(args);
        release.beforeListening();
        SpringApplication app = new SpringApplication(SpringBootApp.class);
        app.setDefaultProperties(Map.of(
                "server.port", String.valueOf(port),
                "server.address", "127.0.0.1",
                "server.shutdown", "graceful",
                "spring.lifecycle.timeout-per-shutdown-phase", "10s",
                "spring.main.banner-mode", "off",
                "logging.level.root", "WARN"));
        app.addListeners((ApplicationListener<WebServerInitializedEvent>) event ->
                release.listening(event.getWebServer().getPort()));
        app.addListeners((ApplicationListener<ContextClosedEvent>) event -> release.log("stopping gracefully"));
        app.run(args);
    }

    /** Beans are destroyed after the web server's graceful stop: the requests in progress have been answered. */
    @Override
    public void destroy() {
        release.stopped();
    }

    @RequestMapping("/**")
    public ResponseEntity<String> any(HttpServletRequest request) {
        AppRelease.Answer answer = release.answer(request.getRequestURI(), request.getQueryString());
        return ResponseEntity.status(answer.status()).contentType(MediaType.TEXT_PLAIN).body(answer.body());
    }
}
