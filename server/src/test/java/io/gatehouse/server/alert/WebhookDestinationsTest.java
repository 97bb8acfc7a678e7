package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.common.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The ranges webhooks may not reach, at their edges, and the operator's networks that open some of them. */
class WebhookDestinationsTest {
    private static final WebhookDestinations CLOSED = new WebhookDestinations(List.of());

    @ParameterizedTest
    @CsvSource({"127.0.0.1, loopback", "127.255.255.254, loopback", "::1, loopback", "10.0.0.0, private",
            "10.255.255.255, private", "172.16.0.0, private (172.16.0.0/12)", "172.31.255.255, private (172.16",
            "192.168.1.1, private (192.168", "100.64.0.0, shared", "100.127.255.255, shared",
            "169.254.169.254, cloud metadata", "fe80::1, link-local", "fd12:3456::1, unique local",
            "fc00::1, unique local", "0.0.0.0, this network", "::, unspecified", "224.0.0.1, multicast",
            "ff02::1, multicast", "255.255.255.255, reserved", "240.0.0.1, reserved", "64:ff9b::a00:1, NAT64",
            "2002:7f00:1::1, 6to4", "2001:0:4136:e378::1, Teredo", "::7f00:1, IPv4-compatible",
            "192.0.2.1, documentation", "2001:db8::1, documentation", "198.18.0.1, benchmarking",
            "192.88.99.1, 6to4 relay", "2001:2::1, IETF protocol assignments", "2001:20::1, IETF protocol",
            "3fff::1, documentation (3fff::/20)", "5f00::1, segment routing"})
    void special_addresses_are_refused_with_their_range_named(String address, String named) {
        assertThat(CLOSED.refusal(address, IpLiteral.parse(address).orElseThrow())).hasValueSatisfying(
                reason -> assertThat(reason).contains(named).contains("alerts.webhook-allow-networks"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "172.15.255.255", "172.32.0.0",
            "100.63.255.255", "100.128.0.0", "169.253.255.255", "192.167.255.255", "11.0.0.0", "223.255.255.255",
            "2606:4700:4700::1111", "2a00:1450:4001::200e"})
    void public_addresses_may_be_reached(String address) {
        assertThat(CLOSED.refusal(address, IpLiteral.parse(address).orElseThrow())).isEmpty();
    }

    @Test
    void an_ipv4_mapped_ipv6_address_counts_as_its_ipv4_address() {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertThat(CLOSED.refusal("[::ffff:127.0.0.1]", mapped)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("'[::ffff:127.0.0.1]' (127.0.0.1) is loopback"));
        byte[] mappedPublic = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 8, 8, 8, 8};
        assertThat(CLOSED.refusal("x", mappedPublic)).isEmpty();
    }

    @Test
    void the_operators_networks_open_exactly_what_they_name() {
        WebhookDestinations open = new WebhookDestinations(List.of("10.20.0.0/16", "::1"));
        assertThat(open.refusal("a", IpLiteral.parse("10.20.255.1").orElseThrow())).isEmpty();
        assertThat(open.refusal("b", IpLiteral.parse("10.21.0.1").orElseThrow())).isPresent();
        assertThat(open.refusal("c", IpLiteral.parse("::1").orElseThrow())).isEmpty();
        assertThat(open.refusal("d", IpLiteral.parse("127.0.0.1").orElseThrow())).isPresent();
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, loopback", "[::1], loopback", "localhost, loopback", "LOCALHOST., loopback",
            "printer.localhost, loopback", "2130706433, neither a host name", "127.1, neither a host name",
            "0x7f.1, neither a host name", "0x7f000001, neither a host name", "10.0.0.1., neither a host name",
            "[fe80::1%251], link-local", "[fe80::1%eth0], link-local", "[fd00::1%25a], unique local"})
    void a_registration_is_refused_by_its_host_as_written(String host, String reason) {
        assertThat(CLOSED.refusalOfHost(host)).hasValueSatisfying(text -> assertThat(text).contains(reason));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hooks.example.com", "siem.example", "8.8.8.8", "[2606:4700:4700::1111]", "a1.example",
            "localhost-hooks.example"})
    void other_hosts_are_registered_and_their_names_checked_when_sent(String host) {
        assertThat(CLOSED.refusalOfHost(host)).isEmpty();
    }

    @Test
    void localhost_is_registered_only_when_both_its_loopback_addresses_are_open() {
        assertThat(new WebhookDestinations(List.of("127.0.0.1")).refusalOfHost("localhost"))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("'localhost' (0:0:0:0:0:0:0:1) is loopback"));
        assertThat(new WebhookDestinations(List.of("::1")).refusalOfHost("localhost"))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("'localhost' (127.0.0.1) is loopback"));
        assertThat(new WebhookDestinations(List.of("127.0.0.0/8", "::1")).refusalOfHost("localhost")).isEmpty();
    }

    @Test
    void a_connection_gets_the_addresses_a_name_has_now_each_checked() throws Exception {
        assertThatThrownBy(() -> CLOSED.checkedAddresses("localhost", 8080))
                .isInstanceOf(WebhookDestinations.Refused.class).hasMessageStartingWith("'localhost' (")
                .hasMessageContaining("is loopback");
        assertThatThrownBy(() -> CLOSED.checkedAddresses("[::1]", 8080))
                .isInstanceOf(WebhookDestinations.Refused.class).hasMessageContaining("loopback");
        assertThat(CLOSED.checkedAddresses("8.8.8.8", 443)).containsExactly(new InetSocketAddress(
                InetAddress.getByName("8.8.8.8"), 443));

        List<InetSocketAddress> loopback = new WebhookDestinations(List.of("127.0.0.0/8", "::1"))
                .checkedAddresses("localhost", 8080);
        assertThat(loopback).isNotEmpty().allSatisfy(address -> {
            assertThat(address.isUnresolved()).as("connected to as it was checked, not looked up again").isFalse();
            assertThat(address.getAddress().isLoopbackAddress()).isTrue();
            assertThat(address.getPort()).isEqualTo(8080);
        });
    }
}
