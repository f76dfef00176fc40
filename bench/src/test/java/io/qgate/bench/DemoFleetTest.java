package io.qgate.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command runs the demo; this runs what it prints. Every curl example in the
 * instructions is sent as it stands (URL and JSON body) and must be answered.
 */
class DemoFleetTest {

    private static final Pattern CURL = Pattern.compile("curl -sN? (http://\\S+)(?: -H '[^']*' \\\\\\s+-d '([^']*)')?");

    @Test
    void theDemoServesTheExamplesItPrints() throws Exception {
        try (DemoFleet demo = DemoFleet.start(0, 0, 3, 0, 0.1)) {
            String instructions = demo.instructions();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> answered = new ArrayList<>();

            Matcher curl = CURL.matcher(instructions);
            while (curl.find()) {
                String url = curl.group(1);
                String body = curl.group(2);
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
                if (body != null) {
                    request.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(url + " " + body).isEqualTo(200);
                answered.add(url);
            }

            assertThat(answered).hasSizeGreaterThanOrEqualTo(7)
                    .anyMatch(url -> url.endsWith("/v1/chat/completions"))
                    .anyMatch(url -> url.endsWith("/v1/embeddings"))
                    .anyMatch(url -> url.endsWith("/metrics"))
                    .anyMatch(url -> url.endsWith("/status.json"));
            assertThat(instructions).contains("\"stream\":true").contains("Ctrl-C stops everything");
        }
    }
}
