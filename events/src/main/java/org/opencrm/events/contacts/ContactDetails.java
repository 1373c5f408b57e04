package org.opencrm.events.contacts;

/**
 * The only personal data contacts events carry, kept in one nested object so a consumer that must not
 * hold personal data (analytics) drops one field, and one that must forget it on {@link ContactErased}
 * knows exactly what to delete.
 *
 * <p>It is here because deals-service prints the client's name and address on invoices and contracts and
 * must render them while contacts-service is unavailable, and because task titles and notifications
 * name the client. Phones, e-mails, birthday and notes are deliberately absent: no consumer needs them
 * without also needing the card's consent state, which only contacts-service can judge.
 *
 * @param displayName a person's "first last" or a company's name, as the card shows it
 * @param city the card's city, for documents and address lines
 * @param address the card's free-form postal address, for documents
 */
public record ContactDetails(String displayName, String city, String address) {}
