package org.opencrm.tasks.team;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

record TeamView(
        String id,
        String name,
        boolean active,
        List<String> headUserIds,
        List<Team.Member> members,
        String timeZone,
        Map<DayOfWeek, Team.Hours> workingHours,
        Set<LocalDate> holidays,
        String reassignmentDelay,
        long version) {

    static TeamView of(Team team) {
        return new TeamView(
                team.getId(),
                team.name(),
                team.active(),
                team.headUserIds(),
                team.members(),
                team.zone().getId(),
                new TreeMap<>(team.workingHours()),
                new TreeSet<>(team.holidays()),
                team.reassignmentDelay().map(Object::toString).orElse(null),
                team.getVersion());
    }
}
