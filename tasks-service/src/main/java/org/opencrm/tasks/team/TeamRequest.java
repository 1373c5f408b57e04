package org.opencrm.tasks.team;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The whole team as {@code PUT /api/teams/{departmentId}} replaces it. */
record TeamRequest(
        @NotBlank @Size(max = 200) String name,
        Boolean active,
        @NotNull @Size(max = 50) List<@NotBlank @Size(max = 100) String> headUserIds,
        @NotNull @Size(max = 500) List<@Valid @NotNull MemberRequest> members,
        @Size(max = 64) String timeZone,
        Map<DayOfWeek, @Valid @NotNull HoursRequest> workingHours,
        @Size(max = 400) Set<@NotNull LocalDate> holidays,

        @Pattern(regexp = "^P.*", message = "must be an ISO-8601 duration such as PT30M") String reassignmentDelay) {

    record MemberRequest(
            @NotBlank @Size(max = 100) String userId,
            @Size(max = 200) String name,
            @Size(max = 320) String email,
            @Size(max = 40) String phone,
            @NotNull @Size(max = 10) List<@NotBlank @Size(max = 40) String> roles,
            @Size(max = 64) String timeZone,
            @Size(max = 35) String language,
            Boolean active,
            LocalDate absentUntil) {}

    record HoursRequest(@NotNull LocalTime start, @NotNull LocalTime end) {}
}
