package org.opencrm.notifications.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencrm.notifications.NotificationsProperties;
import org.springframework.stereotype.Component;

/**
 * Keeps webhooks from reaching into the platform's own network (SSRF): a target whose host resolves to a
 * loopback, private, link-local, carrier-grade NAT, unique-local or wildcard address is refused unless the
 * host is on the configured allow-list. Checked when a subscription is saved and again before every send,
 * because DNS answers change. Redirects are never followed.
 */
@Component
class TargetGuard {

    private final Set<String> allowed;

    TargetGuard(NotificationsProperties properties) {
        this.allowed = properties.webhooks().allowedHosts().stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** @return null if the target may be called, else why not */
    String refusal(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            return "must be an absolute http(s) URL";
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (url.getUserInfo() != null) {
            return "must not carry credentials";
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (allowed.contains(host)) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "host does not resolve";
        }
        for (InetAddress address : addresses) {
            if (allowed.contains(address.getHostAddress().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (internal(address)) {
                return "resolves to a loopback, private or link-local address";
            }
        }
        return null;
    }

    private static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        // 100.64.0.0/10 carrier-grade NAT, 0.0.0.0/8
        return ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) || b[0] == 0;
    }
}
