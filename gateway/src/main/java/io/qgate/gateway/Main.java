package io.qgate.gateway;

/** Placeholder entry point; replaced by the gateway's command line in this change. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
    }
}
