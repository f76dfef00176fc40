package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.RouteRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestBodyInspectorTest {

    private static RouteRequest inspect(String json) throws Exception {
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            RouteRequest request = RequestBodyInspector.inspect(ApiRoute.CHAT, body).request();
            assertThat(body.readerIndex()).isZero();
            return request;
        } finally {
            body.release();
        }
    }

    @Test
    void readsModelAndStreamSkippingEverythingElse() throws Exception {
        RouteRequest request = inspect("""
                {"messages":[{"role":"user","content":"{\\"model\\":\\"fake\\"}"}],
                 "tools":[{"type":"function","function":{"name":"model","parameters":{"model":"x"}}}],
                 "model":"meta-llama/Llama-3.1-8B-Instruct","stream":true,"max_tokens":10}""");

        assertThat(request.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(request.stream()).isTrue();
        assertThat(request.route()).isEqualTo(ApiRoute.CHAT);
        assertThat(request.maxTokens()).isEqualTo(10);
    }

    @Test
    void thePromptIsEstimatedFromTheBodyAndMaxTokensReadWhenAnInteger() throws Exception {
        String content = "x".repeat(4000);
        RouteRequest request = inspect("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"max_completion_tokens\":300}");
        assertThat(request.promptTokens()).isBetween(1000, 1020);
        assertThat(request.maxTokens()).isEqualTo(300);
        assertThat(inspect("{\"max_tokens\":\"many\"}").maxTokens()).isZero();
        assertThat(inspect("{}").maxTokens()).isZero();
    }

    @Test
    void readsThePriorityAndTheLargestTokenLimitForTheQueue() throws Exception {
        ByteBuf body = Unpooled.copiedBuffer("{\"model\":\"m\",\"priority\":-3,\"max_tokens\":64,"
                + "\"max_completion_tokens\":128}", StandardCharsets.UTF_8);
        try {
            InspectedBody inspected = RequestBodyInspector.inspect(ApiRoute.CHAT, body);
            assertThat(inspected.priority()).isEqualTo(-3);
            assertThat(inspected.maxTokens()).isEqualTo(128);
        } finally {
            body.release();
        }
        ByteBuf none = Unpooled.copiedBuffer("{\"model\":\"m\",\"priority\":null,\"max_tokens\":1e3}",
                StandardCharsets.UTF_8);
        try {
            InspectedBody inspected = RequestBodyInspector.inspect(ApiRoute.CHAT, none);
            assertThat(inspected.priority()).isNull();
            assertThat(inspected.maxTokens()).isEqualTo(-1);
        } finally {
            none.release();
        }
        assertThatThrownBy(() -> inspect("{\"priority\":\"high\"}")).hasMessageContaining("'priority' must be an integer");
        assertThatThrownBy(() -> inspect("{\"priority\":1.5}")).hasMessageContaining("'priority' must be an integer");
    }

    @Test
    void missingFieldsMeanNoModelAndNoStream() throws Exception {
        RouteRequest request = inspect("{\"stream\":null}");
        assertThat(request.model()).isNull();
        assertThat(request.stream()).isFalse();
    }

    @Test
    void oddUnicodeAndHugeNumbersAreFine() throws Exception {
        RouteRequest request = inspect("{\"model\":\"m\\u00e9\\ud83d\\ude00\",\"temperature\":1e400,\"seed\":"
                + "9".repeat(200) + "}");
        assertThat(request.model()).isEqualTo("mé😀");
    }

    @Test
    void rejectsWhatIsNotAWellFormedObject() {
        assertThatThrownBy(() -> inspect("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> inspect("[]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> inspect("{\"model\":1}")).hasMessageContaining("'model' must be a string");
        assertThatThrownBy(() -> inspect("{\"stream\":\"yes\"}")).hasMessageContaining("'stream' must be a boolean");
        assertThatThrownBy(() -> inspect("{\"a\":[1,2}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> inspect("{\"a\":1} trailing")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> inspect("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void aMalformedBodyIsDescribedInTheClientsTermsNotTheParsers() {
        assertThatThrownBy(() -> inspect("{oops")).hasMessage("The request body is not valid JSON: unexpected 'o'"
                + " where a property name in double quotes should be (at byte 1).");
        assertThatThrownBy(() -> inspect("{\"a\":[1,2}")).hasMessage("The request body is not valid JSON: '}' where"
                + " ']' closes what was opened (at byte 9).");
        assertThatThrownBy(() -> inspect("{\"a\":1")).hasMessageContaining("ends before the JSON value is complete");
        assertThatThrownBy(() -> inspect("{\"a\":tru}")).hasMessageContaining("'tru' is not a JSON value");
        assertThatThrownBy(() -> inspect("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"))
                .hasMessageContaining("nesting depth").hasMessageContaining("over the limit of 128");
        for (String body : new String[] {"{oops", "{\"a\":[1,2}", "{\"a\":1", "{\"a\" 1}", "{\"a\":1 \"b\":2}",
                "{\"a\":01}", "{\"a\":\"\u0001\"}", "{\"a\":" + "9".repeat(2000) + "}"}) {
            assertThatThrownBy(() -> inspect(body)).message().as(body)
                    .doesNotContain("StreamRead").doesNotContain("#UNKNOWN").doesNotContain("Source")
                    .doesNotContain("code ");
        }
    }
}
