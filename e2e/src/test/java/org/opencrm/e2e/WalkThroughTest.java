package org.opencrm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * "A day in the product" of PRODUCT.md, step by step, through the gateway with the demo users' tokens, against
 * the demo company the local run loads (team, pipeline "Windows", its rules with demo durations, the invoice
 * template). Each step builds on the one before (one deal travels the pipeline), hence the order.
 *
 * <p>Runs with whatever data the platform already holds: the client, the phone and the lead source are new
 * on every run, and figures are read for this run's source or compared as "at least".
 */
@ExtendWith(LocalPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkThroughTest {

    /** Rules and notifications are asynchronous (Kafka between services): how long a step may take. */
    static final Duration STEP = Duration.ofSeconds(60);
    /** The demo call-back rule makes the task due 30 s after the lead; the overdue scan runs every second. */
    static final Duration OVERDUE = Duration.ofSeconds(120);

    final String run = randomLetters(8);
    final String clientName = "Anna Walker" + capitalized(run);
    final String otherClientName = "Boris Walker" + capitalized(run);
    final String source = "e2e-web-" + run;

    Api admin;
    Api head;
    String formKey;
    String pipelineId;

    // the first lead's deal and the people on it
    String dealId;
    String contactId;
    String owner;
    Api manager;

    @BeforeAll
    void demoCompanyAndAWebsiteForm() {
        admin = Api.as("admin");
        head = Api.as("head-of-sales");
        pipelineId = stream(admin.get("/api/pipelines").ok().json())
                .filter(p -> p.get("name").asString().equals("Windows"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the demo pipeline Windows is missing"))
                .get("id")
                .asString();
        // a form of this run, so its source counts only this run's leads
        formKey = admin.post(
                        "/api/leads/form-keys",
                        Map.of("name", "e2e " + run, "formId", "website", "source", source, "departmentId", "sales"))
                .ok()
                .json()
                .get("key")
                .asString();
    }

    @Test
    @Order(1)
    void aWebsiteLeadBecomesACardADealInFirstCallAndACallBackTaskForTheNextManager() {
        var lead = Api.postLead(
                        formKey,
                        Map.of("name", clientName, "phone", randomMobile(), "message", "Three windows, 120x140"))
                .ok()
                .json();
        assertThat(lead.get("newContact").asBoolean()).isTrue();
        contactId = lead.get("contactId").asString();
        var second = Api.postLead(formKey, Map.of("name", otherClientName, "phone", randomMobile()))
                .ok()
                .json();

        assertThat(admin.get("/api/contacts/" + contactId)
                        .ok()
                        .json()
                        .get("source")
                        .asString())
                .isEqualTo(source);

        JsonNode deal = await().atMost(STEP)
                .until(() -> dealOf(contactId), Optional::isPresent)
                .get();
        JsonNode otherDeal = await().atMost(STEP)
                .until(() -> dealOf(second.get("contactId").asString()), Optional::isPresent)
                .get();
        dealId = deal.get("id").asString();
        owner = deal.get("ownerId").asString();
        assertThat(deal.get("pipelineId").asString()).isEqualTo(pipelineId);
        assertThat(deal.get("stageName").asString()).isEqualTo("First call");
        assertThat(deal.get("source").asString()).isEqualTo(source);
        // round-robin over the sales team's managers: two leads in a row go to two managers
        assertThat(List.of(owner, otherDeal.get("ownerId").asString()))
                .containsExactlyInAnyOrder("manager-1", "manager-2");

        manager = Api.as(owner);
        JsonNode task = await().atMost(STEP)
                .until(() -> taskOf(manager, dealId, "CALL"), Optional::isPresent)
                .get();
        assertThat(task.get("title").asString()).startsWith("Call the client back");
        assertThat(task.get("assigneeId").asString()).isEqualTo(owner);
        assertThat(Instant.parse(task.get("dueAt").asString()))
                .isBefore(Instant.now().plus(1, ChronoUnit.MINUTES));
    }

    @Test
    @Order(2)
    void theCallBackTaskGoesOverdueAndTheHeadOfSalesGetsAnEmail() {
        var mail = await().atMost(OVERDUE)
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> Mailbox.find(
                                "head-of-sales@demo.local", "Overdue: Call the client back: Lead: " + clientName),
                        Optional::isPresent)
                .get();
        assertThat(mail.body()).contains("still open");
    }

    @Test
    @Order(3)
    void theManagerLogsTheCallAndMovesTheDealToMeasurementAndTheMeasurerGetsATask() {
        manager.post(
                        "/api/contacts/" + contactId + "/interactions",
                        Map.of(
                                "type", "CALL",
                                "direction", "OUTBOUND",
                                "durationSeconds", 180,
                                "summary", "Measurement agreed for tomorrow 10:00",
                                "outcome", "answered",
                                "dealId", dealId))
                .ok();
        var callBack = taskOf(manager, dealId, "CALL").orElseThrow();
        manager.post(
                        "/api/tasks/" + callBack.get("id").asString() + "/complete",
                        Map.of(
                                "outcome",
                                "measurement agreed",
                                "nextStep",
                                Map.of(
                                        "title", "Call after the measurement",
                                        "type", "CALL",
                                        "dueAt",
                                                Instant.now()
                                                        .plus(3, ChronoUnit.DAYS)
                                                        .toString())))
                .ok();
        moveTo("measurement");

        var measurer = Api.as("measurer");
        JsonNode task = await().atMost(STEP)
                .until(() -> taskOf(measurer, dealId, "MEASUREMENT"), Optional::isPresent)
                .get();
        assertThat(task.get("assigneeId").asString()).isEqualTo("measurer");
        assertThat(task.get("title").asString()).startsWith("Measure on site");
        assertThat(Instant.parse(task.get("dueAt").asString())).isAfter(Instant.now());
    }

    @Test
    @Order(4)
    void theMeasurerAttachesTheMeasurementsAndMovesTheDealToApprovalAndTheManagerGetsThePriceTask() {
        // The measurer, in field service, holds the MEASUREMENT task on the sales deal: that task lets them
        // see the deal, attach to it and move its stage (docs/security.md, task holders).
        var measurer = Api.as("measurer");
        await().atMost(STEP).until(() -> measurer.get("/api/deals/" + dealId).status() == 200);
        byte[] measurements = "window 1: 1200 x 1400 mm\nwindow 2: 1200 x 1400 mm\nwindow 3: 900 x 1400 mm\n"
                .getBytes(StandardCharsets.UTF_8);
        var attachment = measurer.upload(
                        "/api/deals/" + dealId + "/attachments", "measurements.txt", "text/plain", measurements)
                .ok()
                .json();
        assertThat(attachment.get("uploadedBy").asString()).isEqualTo("measurer");
        // The owner reads what the measurer attached.
        assertThat(manager.get("/api/deals/" + dealId + "/attachments/"
                                + attachment.get("id").asString())
                        .ok()
                        .body())
                .isEqualTo(measurements);
        assertThat(stream(manager.get("/api/deals/" + dealId + "/attachments")
                        .ok()
                        .json()))
                .extracting(a -> a.get("fileName").asString())
                .contains("measurements.txt");

        moveTo(measurer, "approval");
        JsonNode task = await().atMost(STEP)
                .until(
                        () -> openTasks(manager, dealId).stream()
                                .filter(t -> t.get("title").asString().startsWith("Calculate the price"))
                                .findFirst(),
                        Optional::isPresent)
                .get();
        assertThat(task.get("assigneeId").asString()).isEqualTo(owner);
        assertThat(Instant.parse(task.get("dueAt").asString()))
                .isBetween(
                        Instant.now().plus(100, ChronoUnit.MINUTES),
                        Instant.now().plus(2, ChronoUnit.HOURS));
    }

    @Test
    @Order(5)
    void paymentRendersTheInvoiceWithTheClientsNameAndTotal() throws Exception {
        manager.putIfMatch(
                        "/api/deals/" + dealId + "/items",
                        "/api/deals/" + dealId,
                        Map.of(
                                "currency",
                                "EUR",
                                "items",
                                List.of(Map.of(
                                        "name", "PVC window 1200x1400, installed",
                                        "quantity", 3,
                                        "unit", "pcs",
                                        "unitPrice", "450.00",
                                        "taxPercent", "20"))))
                .ok();
        moveTo("payment");

        var invoice = stream(
                        manager.get("/api/deals/" + dealId + "/documents").ok().json())
                .filter(d -> d.get("kind").asString().equals("INVOICE"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no invoice was rendered on entering Payment"));
        var pdf = manager.get("/api/deals/" + dealId + "/documents/"
                        + invoice.get("id").asString())
                .ok();
        assertThat(pdf.header("Content-Type")).startsWith("application/pdf");
        String text;
        try (var doc = Loader.loadPDF(pdf.body())) {
            text = new PDFTextStripper().getText(doc);
        }
        assertThat(text).contains(clientName).contains("Total: 1620.00 EUR").contains("Payment details");
    }

    @Test
    @Order(6)
    void installationNotifiesTheInstallerWithTheDeadline() {
        moveTo("installation");
        var installer = Api.as("installer");
        JsonNode task = await().atMost(STEP)
                .until(() -> taskOf(installer, dealId, "INSTALLATION"), Optional::isPresent)
                .get();
        assertThat(task.get("assigneeId").asString()).isEqualTo("installer");

        var mail = await().atMost(STEP)
                .until(
                        () -> Mailbox.find(
                                "installer@demo.local", "New task: Install the windows: Lead: " + clientName),
                        Optional::isPresent)
                .get();
        assertThat(mail.body()).contains("due");
        // and in the app, with the deadline
        await().atMost(STEP)
                .untilAsserted(() -> assertThat(
                                stream(installer.get("/api/notifications").ok().json())
                                        .map(n -> n.get("body").asString()))
                        .anyMatch(body -> body.contains(clientName) && body.contains("due")));
    }

    @Test
    @Order(7)
    void theHeadOfSalesSeesTheClosedDealTheCallsTheConversionAndTheSource() {
        moveTo("won");
        await().atMost(STEP).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var sources = head.get("/api/analytics/sources").ok().json();
            var row = stream(sources.get("rows"))
                    .filter(r -> r.get("source").asString().equals(source))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no row for source " + source + ": " + sources));
            assertThat(row.get("leads").asInt()).isEqualTo(2);
            assertThat(row.get("deals").asInt()).isEqualTo(2);
            assertThat(row.get("won").asInt()).isEqualTo(1);
            assertThat(row.get("conversion").decimalValue()).isEqualByComparingTo(new BigDecimal("0.5"));
            assertThat(row.path("revenue").path("EUR").decimalValue()).isEqualByComparingTo("1620.00");
        });
        await().atMost(STEP).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var deals = head.get("/api/analytics/deals?ownerId=" + owner).ok().json();
            assertThat(deals.get("rows").get(0).get("won").asInt()).isGreaterThanOrEqualTo(1);

            var activity =
                    head.get("/api/analytics/activity?ownerId=" + owner).ok().json();
            var rep = stream(activity.get("rows"))
                    .filter(r -> owner.equals(r.path("userId").asString(null)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no activity of " + owner + ": " + activity));
            assertThat(rep.get("calls").asInt()).isGreaterThanOrEqualTo(1);

            var funnel = head.get("/api/analytics/funnel?pipelineId=" + pipelineId)
                    .ok()
                    .json();
            var firstCall = stream(funnel.get("rows"))
                    .filter(r -> r.get("stage").asString().equals("first-call"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no First call row: " + funnel));
            assertThat(firstCall.get("entered").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(firstCall.get("conversionToWon").decimalValue()).isPositive();
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    void moveTo(String stage) {
        moveTo(manager, stage);
    }

    void moveTo(Api by, String stage) {
        var deal = by.postIfMatch("/api/deals/" + dealId + "/stage", "/api/deals/" + dealId, Map.of("stage", stage))
                .ok()
                .json();
        assertThat(deal.get("stage").asString()).isEqualTo(stage);
    }

    Optional<JsonNode> dealOf(String contact) {
        return stream(admin.get("/api/deals?contactId=" + contact).ok().json().get("items"))
                .findFirst();
    }

    static Optional<JsonNode> taskOf(Api user, String deal, String type) {
        return openTasks(user, deal).stream()
                .filter(t -> t.get("type").asString().equals(type))
                .findFirst();
    }

    static List<JsonNode> openTasks(Api user, String deal) {
        return stream(user.get("/api/tasks?status=OPEN&dealId=" + deal)
                        .ok()
                        .json()
                        .get("items"))
                .toList();
    }

    static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        var list = new ArrayList<JsonNode>();
        if (array != null) {
            array.forEach(list::add);
        }
        return list.stream();
    }

    static String randomLetters(int n) {
        var b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return b.toString();
    }

    static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A Russian mobile number nobody else in the database has (a lead with a known phone matches its card). */
    static String randomMobile() {
        return "+7 916 " + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
    }
}
