package org.appealdesk.giftaid;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Gift Aid form as a person filled it in: trims, forgives spacing and case in the
 * postcode, and answers every problem at once in words a person can act on ("Enter your surname"),
 * keyed by field so the page can put each message beside its field. A wrong entry is an expected
 * outcome, so it is a value, not an exception.
 */
public final class DeclarationForm {

    public static final String TITLE = "title";
    public static final String FIRST_NAME = "firstName";
    public static final String LAST_NAME = "lastName";
    public static final String HOUSE = "house";
    public static final String POSTCODE = "postcode";
    public static final String TAXPAYER = "taxpayer";
    /** The value of the ticked tax confirmation box. */
    public static final String CONFIRMED = "yes";

    /** The form's outcome: a declaration to store, or messages per field (in page order). */
    public sealed interface Result {
        record Valid(Declaration declaration) implements Result {
        }

        record Invalid(Map<String, String> errors) implements Result {
        }
    }

    private DeclarationForm() {
    }

    public static Result read(Map<String, String> fields) {
        Map<String, String> errors = new LinkedHashMap<>();
        String title = clean(fields.get(TITLE));
        String firstName = clean(fields.get(FIRST_NAME));
        String lastName = clean(fields.get(LAST_NAME));
        String house = clean(fields.get(HOUSE));
        String postcodeInput = clean(fields.get(POSTCODE));
        if (!title.isEmpty() && (title.length() > Declaration.TITLE_LENGTH_MAX || !Declaration.TITLE.matcher(title).matches())) {
            errors.put(TITLE, "Title must be " + Declaration.TITLE_LENGTH_MAX + " letters or fewer, like Mr, Mrs, Ms or Dr, or left empty");
        }
        name(firstName, "first name", FIRST_NAME, errors);
        name(lastName, "surname", LAST_NAME, errors);
        if (house.isEmpty()) {
            errors.put(HOUSE, "Enter your house name or number");
        } else if (house.length() > Declaration.HOUSE_LENGTH_MAX) {
            errors.put(HOUSE, "House name or number must be " + Declaration.HOUSE_LENGTH_MAX + " characters or fewer");
        } else if (!Declaration.HOUSE.matcher(house).matches()) {
            errors.put(HOUSE, "House name or number can only include letters, numbers, spaces and , . ' / & -");
        }
        Optional<String> postcode = UkPostcode.normalise(postcodeInput);
        if (postcodeInput.isEmpty()) {
            errors.put(POSTCODE, "Enter your postcode");
        } else if (postcode.isEmpty()) {
            errors.put(POSTCODE, "Enter a real UK postcode, like SW1A 1AA");
        }
        if (!CONFIRMED.equals(fields.get(TAXPAYER))) {
            errors.put(TAXPAYER, "Confirm that you are a UK taxpayer, or do not add Gift Aid");
        }
        if (!errors.isEmpty()) {
            return new Result.Invalid(errors);
        }
        return new Result.Valid(new Declaration(title, firstName, lastName, house, postcode.orElseThrow()));
    }

    private static void name(String value, String label, String field, Map<String, String> errors) {
        if (value.isEmpty()) {
            errors.put(field, "Enter your " + label);
        } else if (value.length() > Declaration.NAME_LENGTH_MAX) {
            errors.put(field, capitalised(label) + " must be " + Declaration.NAME_LENGTH_MAX + " characters or fewer");
        } else if (!Declaration.NAME.matcher(value).matches()) {
            errors.put(field, capitalised(label) + " can only include letters, spaces, hyphens, apostrophes and full stops");
        }
    }

    private static String capitalised(String label) {
        return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }

    /** Trimmed with inner runs of white space made one space; null becomes empty. */
    static String clean(String value) {
        return value == null ? "" : value.strip().replaceAll("\\s+", " ");
    }
}
