package org.opencrm.analytics.projection;

import java.util.List;

/**
 * The collections of one projection version. A rebuild fills the next version's collections from the
 * topics while queries keep reading the current ones; the pointer ({@link ProjectionPointer}) then switches.
 *
 * <p>Every document holds facts taken from events, never personal data: ids, stage keys, amounts, times,
 * tenant vocabulary codes and pseudonymised client keys ({@link Pseudonyms}).
 */
public record ProjectionCollections(int version) {

    /** Base names; each collection is named {@code <base>_v<version>}. */
    static final List<String> BASES = List.of(
            "deal_facts",
            "deal_history",
            "lead_facts",
            "interaction_facts",
            "call_facts",
            "task_facts",
            "team_facts",
            "client_aliases",
            "rollups",
            "client_activity");

    public ProjectionCollections {
        if (version < 1) {
            throw new IllegalArgumentException("projection versions start at 1");
        }
    }

    /** One document per deal: its current stage, owner, amount, source and outcome. */
    public String deals() {
        return name("deal_facts");
    }

    /** One document per deal event that changed stage, amount or owner: funnel and pipeline as of a date. */
    public String dealHistory() {
        return name("deal_history");
    }

    /** One document per lead: source, UTM, department, pseudonymised client. */
    public String leads() {
        return name("lead_facts");
    }

    /** One document per client history entry: type, rep, time, appeal topic. */
    public String interactions() {
        return name("interaction_facts");
    }

    /** One document per call, fed by both the calls topic and logged CALL interactions. */
    public String calls() {
        return name("call_facts");
    }

    /** One document per task: assignee, due time, state, overdue. */
    public String tasks() {
        return name("task_facts");
    }

    /** One document per team (department): the user ids of its members, for department scoping of reps. */
    public String teams() {
        return name("team_facts");
    }

    /** One document per merged client: the merged pseudonym and the survivor's. */
    public String clientAliases() {
        return name("client_aliases");
    }

    /** The deals report's sums per tenant and day or owner, kept exact from the deal facts ({@link DealRollups}). */
    public String rollups() {
        return name("rollups");
    }

    /**
     * One document per client pseudonym: the client's leads and calls, for first responses kept at write time
     * ({@link FirstResponses}).
     */
    public String clientActivity() {
        return name("client_activity");
    }

    public List<String> all() {
        return BASES.stream().map(this::name).toList();
    }

    private String name(String base) {
        return base + "_v" + version;
    }
}
