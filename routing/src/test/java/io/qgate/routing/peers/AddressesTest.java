package io.qgate.routing.peers;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTest {

    private final Addresses addresses = new Addresses();

    private String read(String address) {
        byte[] datagram = ("xx" + address + "yy").getBytes(StandardCharsets.UTF_8);
        return addresses.read(datagram, 2, datagram.length - 4);
    }

    @Test
    void theSameBytesGiveTheStringReadBefore() {
        String first = read("10.0.0.1:8000");

        assertThat(read("10.0.0.1:8000")).isSameAs(first);
        assertThat(read("10.0.0.2:8000")).isEqualTo("10.0.0.2:8000").isNotSameAs(first);
    }

    @Test
    void addressesSharingASlotAreStillReadAsTheyAre() {
        // More addresses than slots: some share one, and each is read right whatever was there.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < Addresses.SLOTS * 2; i++) {
                String address = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255) + ":8000";
                assertThat(read(address)).isEqualTo(address);
            }
        }
    }
}
