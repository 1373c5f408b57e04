package org.opencrm.notifications.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every spelling of an internal address a webhook URL can carry is refused (no allow-list, as shipped); public
 * addresses pass. IP literals only: no name is looked up, except {@code localhost}, which every host file has.
 */
class TargetGuardTest {

    private final TargetGuard guard = new TargetGuard(List.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                // loopback, written every way the JDK (and so the sender's HTTP client) reads it
                "http://127.0.0.1/hook",
                "http://127.1/hook",
                "http://2130706433/hook",
                "http://localhost/hook",
                "http://LOCALHOST:8080/hook",
                "http://[::1]/hook",
                "http://[::ffff:127.0.0.1]/hook",
                "http://[::ffff:7f00:1]/hook",
                "http://[0:0:0:0:0:ffff:7f00:1]/hook",
                // IPv4-compatible, NAT64 and 6to4 forms of internal IPv4 addresses
                "http://[::127.0.0.1]/hook",
                "http://[::10.0.0.1]/hook",
                "http://[64:ff9b::169.254.169.254]/hook",
                "http://[64:ff9b::a00:1]/hook",
                "http://[2002:7f00:1::]/hook",
                "http://[2002:a9fe:a9fe::1]/hook",
                // private, link-local (cloud metadata), carrier-grade NAT, reserved, broadcast, wildcard
                "http://10.1.2.3/hook",
                "http://172.16.0.1/hook",
                "http://172.31.255.255/hook",
                "http://192.168.0.10/hook",
                "http://169.254.169.254/latest/meta-data",
                "http://2852039166/latest/meta-data",
                "http://[::ffff:169.254.169.254]/latest/meta-data",
                "http://100.64.0.1/hook",
                "http://192.0.0.170/hook",
                "http://198.18.0.1/hook",
                "http://240.0.0.1/hook",
                "http://255.255.255.255/hook",
                "http://224.0.0.1/hook",
                "http://0.0.0.0/hook",
                "http://0/hook",
                "http://[::]/hook",
                // IPv6 link-local, site-local and unique-local
                "http://[fe80::1]/hook",
                "http://[fec0::1]/hook",
                "http://[fc00::1]/hook",
                "http://[fd12:3456:789a::1]/hook",
                // hex and octal spellings are no IP literals to the JDK: names that do not resolve
                "http://0x7f000001/hook",
                "http://0x7f.0.0.1/hook",
                "http://017700000001/hook",
                // not a plain http(s) URL
                "ftp://203.0.113.10/hook",
                "file:///etc/passwd",
                "http://user:secret@203.0.113.10/hook",
                "/relative/hook"
            })
    void refusesEverySpellingOfAnInternalTarget(String url) {
        assertThat(guard.refusal(URI.create(url))).as(url).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://203.0.113.10/hook",
                "http://8.8.8.8:8080/hook",
                "https://[2001:4860:4860::8888]/hook",
                "https://[::ffff:8.8.8.8]/hook",
                "https://[64:ff9b::808:808]/hook",
                // 0177.0.0.1 is 177.0.0.1 to the JDK, which is what the sender would call
                "http://0177.0.0.1/hook"
            })
    void letsPublicTargetsPass(String url) {
        assertThat(guard.refusal(URI.create(url))).as(url).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9000/hook", "http://localhost:9000/hook"})
    void anAllowListedHostPasses(String url) {
        assertThat(new TargetGuard(List.of("127.0.0.1")).refusal(URI.create(url)))
                .isNull();
    }
}
