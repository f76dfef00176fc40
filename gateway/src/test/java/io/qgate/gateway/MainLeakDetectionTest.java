package io.qgate.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's default for Netty's leak detection. Netty read the properties when this JVM
 * loaded it (the tests run paranoid), so changing them here affects nothing but the assertions;
 * they are put back after each test.
 */
class MainLeakDetectionTest {

    private String level;
    private String oldLevel;

    @BeforeEach
    void save() {
        level = System.getProperty(Main.LEAK_DETECTION);
        oldLevel = System.getProperty(Main.LEAK_DETECTION_OLD);
    }

    @AfterEach
    void restore() {
        put(Main.LEAK_DETECTION, level);
        put(Main.LEAK_DETECTION_OLD, oldLevel);
    }

    @Test
    void offWhenNobodyAskedForIt() {
        System.clearProperty(Main.LEAK_DETECTION);
        System.clearProperty(Main.LEAK_DETECTION_OLD);

        Main.leakDetectionOffUnlessAsked();

        assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("disabled");
    }

    @Test
    void aLevelGivenOnTheCommandLineStays() {
        System.setProperty(Main.LEAK_DETECTION, "simple");

        Main.leakDetectionOffUnlessAsked();

        assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("simple");
    }

    @Test
    void nettysOlderPropertyNameCountsAsAsking() {
        System.clearProperty(Main.LEAK_DETECTION);
        System.setProperty(Main.LEAK_DETECTION_OLD, "advanced");

        Main.leakDetectionOffUnlessAsked();

        assertThat(System.getProperty(Main.LEAK_DETECTION)).isNull();
    }

    private static void put(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
