package org.opencrm.notifications.template;

import java.util.Map;

/** Plausible values for previews, so an administrator sees a message as a recipient would. */
final class SampleValues {

    private SampleValues() {}

    static Map<String, String> of(String topic, String language) {
        boolean ru = "ru".equals(language);
        return Map.ofEntries(
                Map.entry("topic", topic),
                Map.entry("recipientName", ru ? "Анна Петрова" : "Anna Peters"),
                Map.entry("assigneeName", ru ? "Иван Смирнов" : "John Smith"),
                Map.entry("fromAssigneeName", ru ? "Иван Смирнов" : "John Smith"),
                Map.entry("toAssigneeName", ru ? "Анна Петрова" : "Anna Peters"),
                Map.entry("title", ru ? "Перезвонить клиенту" : "Call the client back"),
                Map.entry("dueAt", ru ? "12 мар. 2026 г., 14:30" : "Mar 12, 2026, 2:30 PM"),
                Map.entry("since", ru ? "10 мар. 2026 г., 09:00" : "Mar 10, 2026, 9:00 AM"),
                Map.entry("dealId", "deal-42"),
                Map.entry("stage", "measurement"),
                Map.entry("reason", "OVERDUE_ESCALATION"),
                Map.entry("externalCallId", "pbx-1001"),
                Map.entry("direction", "INBOUND"),
                Map.entry("contactIds", "contact-7"),
                Map.entry("amountSuffix", " (1200.00 EUR)"),
                Map.entry("ruleName", ru ? "Замер назначен" : "Measurement booked"),
                Map.entry(
                        "message", ru ? "Окна для Смитов: нужен замерщик" : "Windows for the Smiths needs a measurer"),
                Map.entry("periodName", ru ? "Ежедневный" : "Daily"),
                Map.entry("report", ru ? "Просрочено: 1\n- Перезвонить клиенту" : "Overdue: 1\n- Call the client back"),
                Map.entry("subject", ru ? "Скидка 10%" : "10% off"),
                Map.entry("body", ru ? "Только в марте." : "This March only."),
                Map.entry("name", ru ? "Анна" : "Anna"),
                Map.entry("unsubscribeUrl", "https://crm.example/public/unsubscribe?token=sample"));
    }
}
