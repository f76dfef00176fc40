package io.qgate.gateway.proxy;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says what is wrong with a JSON body in words a client understands, and where: Jackson's own
 * message names its parser's internals (source locations it may not show, configuration
 * getters), which mean nothing to whoever sent the request.
 */
final class JsonSyntaxMessage {

    /** {@code ('o' (code 111))} → {@code 'o'} */
    private static final Pattern CHARACTER = Pattern.compile("\\('(.)' \\(code \\d+\\)\\)");
    /** {@code Unrecognized token 'tru': ...} */
    private static final Pattern TOKEN = Pattern.compile("Unrecognized token '([^']*)'");
    /** {@code Unexpected close marker '}': expected ']'} */
    private static final Pattern CLOSE = Pattern.compile("Unexpected close marker '(.)': expected '(.)'");

    private JsonSyntaxMessage() {
    }

    /** The message for a client, without "The request body is not valid JSON". */
    static String of(JacksonException e) {
        String original = e.getOriginalMessage();
        return what(original == null ? "" : original) + where(e.getLocation());
    }

    private static String what(String original) {
        Matcher matcher;
        if (original.startsWith("Unexpected end-of-input")) {
            return "it ends before the JSON value is complete";
        }
        if ((matcher = CLOSE.matcher(original)).find()) {
            return "'" + matcher.group(1) + "' where '" + matcher.group(2) + "' closes what was opened";
        }
        if ((matcher = TOKEN.matcher(original)).find()) {
            return "'" + matcher.group(1) + "' is not a JSON value (strings need double quotes)";
        }
        if (original.contains("nesting depth")) {
            return "its nesting depth (arrays and objects inside one another) is over the limit of "
                    + RequestBodyInspector.MAX_NESTING_DEPTH;
        }
        if (original.contains("Number value length")) {
            return "a number has more than " + RequestBodyInspector.MAX_NUMBER_LENGTH + " digits";
        }
        String character = (matcher = CHARACTER.matcher(original)).find() ? "'" + matcher.group(1) + "'" : "a character";
        if (original.contains("to start property name")) {
            return "unexpected " + character + " where a property name in double quotes should be";
        }
        if (original.contains("expecting a colon")) {
            return "unexpected " + character + " where ':' should follow a property name";
        }
        if (original.contains("expecting comma")) {
            return "unexpected " + character + " where ',' should separate two values";
        }
        if (original.contains("CTRL-CHAR")) {
            return "a control character that must be escaped or left out";
        }
        // Anything else: Jackson's sentence without the parts about its own configuration.
        int internals = original.indexOf(" (for ");
        internals = internals < 0 ? original.indexOf(" (start marker") : internals;
        internals = internals < 0 ? original.indexOf(" [Source") : internals;
        return CHARACTER.matcher(internals < 0 ? original : original.substring(0, internals)).replaceAll("'$1'");
    }

    private static String where(TokenStreamLocation location) {
        long offset = location == null ? -1 : location.getByteOffset();
        return offset >= 0 ? " (at byte " + offset + ")" : "";
    }
}
