package org.opencrm.notifications.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencrm.notifications.NotificationsProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps webhooks from reaching into the platform's own network (SSRF): a target whose host resolves to a
 * loopback, private, link-local, carrier-grade NAT, unique-local, reserved or wildcard address (also written as an
 * IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address, or in decimal) is refused unless the
 * host is on the configured allow-list. Checked when a subscription is saved and again when every send
 * resolves the host: the sender connects only to the addresses this check passed ({@link #addressesToConnect}),
 * because DNS answers change. Redirects are never followed.
 */
@Component
class TargetGuard {

    /** How a host name becomes addresses: the system's resolver, or a test's. */
    interface NameResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host whose addresses include an internal one: the connection is never opened. */
    static final class RefusedTarget extends UnknownHostException {
        RefusedTarget(String host) {
            super(host + " resolves to a loopback, private or link-local address");
        }
    }

    private final Set<String> allowed;
    private final NameResolver resolver;

    @Autowired
    TargetGuard(NotificationsProperties properties) {
        this(properties.webhooks().allowedHosts(), InetAddress::getAllByName);
    }

    TargetGuard(Collection<String> allowedHosts) {
        this(allowedHosts, InetAddress::getAllByName);
    }

    TargetGuard(Collection<String> allowedHosts, NameResolver resolver) {
        this.allowed =
                allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    /**
     * The addresses a webhook's connection may use for {@code host}, resolved once: the HTTP client connects to
     * exactly these, so a DNS answer that changes between the check and the connection (rebinding) cannot
     * send the request inside.
     *
     * @throws RefusedTarget when an address is internal and neither it nor the host is allow-listed
     */
    InetAddress[] addressesToConnect(String host) throws UnknownHostException {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        InetAddress[] addresses = resolver.resolve(name);
        if (allowed.contains(name)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (!allowed.contains(address.getHostAddress().toLowerCase(Locale.ROOT)) && internal(address)) {
                throw new RefusedTarget(name);
            }
        }
        return addresses;
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
        try {
            addressesToConnect(url.getHost());
            return null;
        } catch (RefusedTarget e) {
            return "resolves to a loopback, private or link-local address";
        } catch (UnknownHostException e) {
            return "host does not resolve";
        }
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local
            }
            // IPv6 spellings of an IPv4 address (the JDK already turns ::ffff:a.b.c.d into an Inet4Address):
            // IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d and 6to4 2002:aabb:ccdd:: reach that IPv4 address
            // through a translating router, so they are judged by it.
            Inet4Address embedded = null;
            if (zero(b, 0, 12)) {
                embedded = ipv4(b, 12);
            } else if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
                embedded = ipv4(b, 12);
            } else if (b[0] == 0x20 && b[1] == 0x02) {
                embedded = ipv4(b, 2);
            }
            return embedded != null && internal(embedded);
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 // 0.0.0.0/8 "this network"
                || (first == 100 && (second & 0xc0) == 64) // 100.64.0.0/10 carrier-grade NAT
                || (first == 192 && second == 0 && b[2] == 0) // 192.0.0.0/24 IETF protocol assignments
                || (first == 198 && (second & 0xfe) == 18) // 198.18.0.0/15 benchmarking
                || first >= 240; // 240.0.0.0/4 reserved and 255.255.255.255 broadcast
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address ipv4(byte[] bytes, int offset) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
