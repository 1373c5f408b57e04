package org.opencrm.platform.web;

import java.util.OptionalLong;

/**
 * Optimistic concurrency over HTTP: a resource's ETag is its aggregate version, a client echoes it in
 * {@code If-Match} when it updates, and a stale version answers 412.
 *
 * <pre>{@code
 * @PutMapping("/deals/{id}")
 * ResponseEntity<DealView> update(@PathVariable String id, @RequestHeader(name = "If-Match", required = false)
 *         String ifMatch, @Valid @RequestBody UpdateDealRequest request, CurrentUser user) {
 *     Deal deal = service.load(id, user);
 *     ETags.requireIfMatch(ifMatch, deal.version());   // 428 without the header, 412 when stale
 *     Deal updated = service.update(deal, request, user);
 *     return ResponseEntity.ok().eTag(ETags.of(updated.version())).body(DealView.of(updated));
 * }
 * }</pre>
 *
 * <p>Comparison is lenient about weakness: {@code W/"7"} matches version 7, because proxies that compress
 * responses weaken ETags and the client would otherwise never get an update through. The version fully
 * determines the representation, which is what makes the platform's ETags strong in the first place.
 */
public final class ETags {

    private ETags() {}

    /** The strong ETag of a version: {@code "7"}. */
    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** The weak ETag of a version: {@code W/"7"}, for representations that are not byte-stable. */
    public static String weak(long version) {
        return "W/" + of(version);
    }

    /** Whether an {@code If-Match} value ({@code "7"}, {@code W/"7"}, a list of them, or {@code *}) names the version. */
    public static boolean matches(String ifMatch, long currentVersion) {
        String current = Long.toString(currentVersion);
        for (String tag : ifMatch.split(",")) {
            String trimmed = tag.trim();
            if (trimmed.equals("*") || current.equals(opaque(trimmed))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Throws 412 when an {@code If-Match} was sent and does not name the current version; a request without
     * the header passes (an unconditional update).
     */
    public static void checkIfMatch(String ifMatch, long currentVersion) {
        if (ifMatch != null && !ifMatch.isBlank() && !matches(ifMatch, currentVersion)) {
            throw new PreconditionFailedException(
                    "The record was changed since you read it. Reload it and apply your change again.",
                    of(currentVersion));
        }
    }

    /** Like {@link #checkIfMatch} but a request without {@code If-Match} answers 428. */
    public static void requireIfMatch(String ifMatch, long currentVersion) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new PreconditionRequiredException(
                    "This update needs an If-Match header carrying the ETag of the version you read.");
        }
        checkIfMatch(ifMatch, currentVersion);
    }

    /**
     * The one version an {@code If-Match} names, for a conditional write that skips loading the record
     * ({@code update ... where version == expected}); empty for no header, {@code *}, a list or a tag that is
     * not a version.
     */
    public static OptionalLong expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.contains(",")) {
            return OptionalLong.empty();
        }
        String opaque = opaque(ifMatch.trim());
        if (opaque == null
                || opaque.isEmpty()
                || !opaque.chars().allMatch(Character::isDigit)
                || opaque.length() > 18) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(opaque));
    }

    // The quoted part of an entity tag, without W/ and quotes; null when the value is not an entity tag.
    private static String opaque(String tag) {
        String strong = tag.startsWith("W/") ? tag.substring(2) : tag;
        if (strong.length() < 2 || !strong.startsWith("\"") || !strong.endsWith("\"")) {
            return null;
        }
        return strong.substring(1, strong.length() - 1);
    }
}
