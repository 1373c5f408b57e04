package org.opencrm.deals.deal;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

final class DealRequests {

    static final String STAGE_KEY = "[a-z0-9][a-z0-9_-]{0,39}";
    /** Custom value keys become field names in the stored document: no dots, no dollar signs. */
    static final String CUSTOM_KEY = "[A-Za-z][A-Za-z0-9_]{0,39}";

    private DealRequests() {}

    /** An amount as a JSON number (or string) holding an exact decimal, never parsed through a float. */
    record MoneyRequest(
            @NotNull @Digits(integer = 15, fraction = 4) BigDecimal amount,
            @NotBlank @Pattern(regexp = "[A-Z]{3}") String currency) {}

    record CreateDealRequest(
            @NotBlank @Size(max = 300) String title,
            @Size(max = 100) String contactId,
            @Size(max = 100) String companyId,
            @Size(max = 100) String pipelineId,
            @Pattern(regexp = STAGE_KEY) String stage,
            @Valid MoneyRequest amount,
            @Size(max = 100) String ownerId,
            @Size(max = 100) String departmentId,
            @Size(max = 100) String source,
            LocalDate expectedCloseDate,

            @Size(max = 50) Map<@Pattern(regexp = CUSTOM_KEY) String, @NotNull @Size(max = 1000) String> customValues) {}

    /** A partial update: fields left out (or null) stay as they are. */
    record UpdateDealRequest(
            @Size(min = 1, max = 300) String title,
            @Size(min = 1, max = 100) String contactId,
            @Size(min = 1, max = 100) String companyId,
            @Size(min = 1, max = 100) String source,
            LocalDate expectedCloseDate,
            @Size(max = 50) Map<@Pattern(regexp = CUSTOM_KEY) String, @NotNull @Size(max = 1000) String> customValues,
            @Valid MoneyRequest amount,
            @Size(min = 1, max = 100) String ownerId,
            @Size(min = 1, max = 100) String departmentId) {}

    record StageChangeRequest(
            @NotBlank @Pattern(regexp = STAGE_KEY) String stage,
            @Size(max = 2000) String comment,
            @Size(max = 100) String lossReason) {}

    record ReopenRequest(
            @Pattern(regexp = STAGE_KEY) String stage,
            @Size(max = 2000) String comment) {}

    enum Outcome {
        WON,
        LOST
    }

    /** Closing from outside the board (tasks-service completes a task by closing the deal). */
    record CloseRequest(
            @NotNull Outcome outcome,
            @Size(max = 100) String lossReason,
            @Size(max = 2000) String comment) {}

    record ItemsRequest(
            @Pattern(regexp = "[A-Z]{3}") String currency,
            @NotNull @Size(max = 200) List<@Valid @NotNull ItemRequest> items) {}

    record ItemRequest(
            @Size(max = 100) String productCode,
            @NotBlank @Size(max = 300) String name,

            @NotNull @Positive @Digits(integer = 12, fraction = 4) BigDecimal quantity,

            @Size(max = 20) String unit,

            @NotNull @PositiveOrZero @Digits(integer = 15, fraction = 4) BigDecimal unitPrice,

            @DecimalMin("0") @DecimalMax("100") @Digits(integer = 3, fraction = 4) BigDecimal discountPercent,

            @DecimalMin("0") @DecimalMax("100") @Digits(integer = 3, fraction = 4) BigDecimal taxPercent) {}
}
