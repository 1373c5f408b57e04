package org.opencrm.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;

/**
 * Decides, as a cluster's network plugin would, whether NetworkPolicies let a connection through: a pod is
 * isolated in a direction once any policy selecting it names that direction, and then only what some rule of
 * such a policy allows gets through. Supports matchLabels selectors (a matchExpressions fails the check).
 */
final class NetworkPolicies {

    /** A pod (namespace and labels), or something outside the cluster (namespace null). */
    record Endpoint(String namespace, Map<String, String> labels) {
        static Endpoint outside() {
            return new Endpoint(null, Map.of());
        }

        boolean isPod() {
            return namespace != null;
        }
    }

    private final String namespace;
    private final List<NetworkPolicy> policies;

    NetworkPolicies(String namespace, List<NetworkPolicy> policies) {
        this.namespace = namespace;
        this.policies = policies;
    }

    boolean allows(Endpoint from, Endpoint to, int port, String protocol) {
        boolean out = !from.isPod() || !from.namespace().equals(namespace) || egress(from, to, port, protocol);
        boolean in = !to.isPod() || !to.namespace().equals(namespace) || ingress(to, from, port, protocol);
        return out && in;
    }

    boolean allows(Endpoint from, Endpoint to, int port) {
        return allows(from, to, port, "TCP");
    }

    private boolean ingress(Endpoint pod, Endpoint source, int port, String protocol) {
        List<NetworkPolicy> applying = applying(pod, "Ingress");
        if (applying.isEmpty()) {
            return true;
        }
        return applying.stream()
                .flatMap(p -> p.getSpec().getIngress() == null
                        ? java.util.stream.Stream.empty()
                        : p.getSpec().getIngress().stream())
                .anyMatch(rule -> peersMatch(rule.getFrom(), source) && portsMatch(rule.getPorts(), port, protocol));
    }

    private boolean egress(Endpoint pod, Endpoint destination, int port, String protocol) {
        List<NetworkPolicy> applying = applying(pod, "Egress");
        if (applying.isEmpty()) {
            return true;
        }
        return applying.stream()
                .flatMap(p -> p.getSpec().getEgress() == null
                        ? java.util.stream.Stream.empty()
                        : p.getSpec().getEgress().stream())
                .anyMatch(rule -> peersMatch(rule.getTo(), destination) && portsMatch(rule.getPorts(), port, protocol));
    }

    private List<NetworkPolicy> applying(Endpoint pod, String direction) {
        return policies.stream()
                .filter(p -> matches(p.getSpec().getPodSelector(), pod.labels()))
                .filter(p -> types(p).contains(direction))
                .toList();
    }

    private static List<String> types(NetworkPolicy policy) {
        if (policy.getSpec().getPolicyTypes() != null
                && !policy.getSpec().getPolicyTypes().isEmpty()) {
            return policy.getSpec().getPolicyTypes();
        }
        // Kubernetes' default: Ingress, plus Egress when the policy has egress rules
        return policy.getSpec().getEgress() != null
                        && !policy.getSpec().getEgress().isEmpty()
                ? List.of("Ingress", "Egress")
                : List.of("Ingress");
    }

    private boolean peersMatch(List<NetworkPolicyPeer> peers, Endpoint other) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        return peers.stream().anyMatch(peer -> peerMatches(peer, other));
    }

    private boolean peerMatches(NetworkPolicyPeer peer, Endpoint other) {
        if (peer.getIpBlock() != null) {
            return !other.isPod();
        }
        if (!other.isPod()) {
            return false;
        }
        if (peer.getNamespaceSelector() != null) {
            return matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", other.namespace()))
                    && (peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels()));
        }
        return other.namespace().equals(namespace) && matches(peer.getPodSelector(), other.labels());
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        return ports.stream().anyMatch(p -> {
            String portProtocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
            boolean anyPort = p.getPort() == null;
            return portProtocol.equals(protocol)
                    && (anyPort
                            || (p.getPort().getIntVal() != null && p.getPort().getIntVal() == port));
        });
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchExpressions() != null
                && !selector.getMatchExpressions().isEmpty()) {
            throw new IllegalStateException("matchExpressions are not supported by this check");
        }
        return selector.getMatchLabels() == null
                || selector.getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
