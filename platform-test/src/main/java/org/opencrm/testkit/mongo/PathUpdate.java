package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An update made only of {@code $set} and {@code $unset} on plain paths (fields of sub-documents, no array element,
 * no positional {@code $}), applied as MongoDB applies it: the stored document is left as it is, and the updated one
 * shares every sub-document the update does not reach.
 *
 * <p>mongo-java-server applies every update to a deep copy of the whole document, compares the copy with another deep
 * copy of the original and then with the original, whatever the update's size: for a large document (bench B3's
 * rollup documents, thousands of entries) changed in two fields, that was most of the database's update work. Every
 * other update (other operators, array paths, conflicting paths, upserts) is left to the library ({@link #of} answers
 * null), so its semantics and error messages stay the library's.
 */
final class PathUpdate {

    private static final String SET = "$set";
    private static final String UNSET = "$unset";

    /** The updated document, and whether anything in it differs from the stored one. */
    record Result(Document document, boolean changed) {}

    /** A field to set; its value may be null (MongoDB stores a null). */
    private record FieldSet(String[] path, Object value) {}

    private final List<FieldSet> sets;
    private final List<String[]> unsets;

    private PathUpdate(List<FieldSet> sets, List<String[]> unsets) {
        this.sets = sets;
        this.unsets = unsets;
    }

    /** The update, when it is of this simple form; null for anything the library should apply. */
    static PathUpdate of(Document update) {
        if (update.isEmpty()) {
            return null;
        }
        List<FieldSet> sets = new ArrayList<>();
        List<String[]> unsets = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        for (var operator : update.entrySet()) {
            boolean set = SET.equals(operator.getKey());
            if (!(set || UNSET.equals(operator.getKey()))
                    || !(operator.getValue() instanceof Document fields)
                    || fields.isEmpty()) {
                return null;
            }
            for (var field : fields.entrySet()) {
                String[] path = plainPath(field.getKey());
                if (path == null || !paths.add(field.getKey()) || (set && holdsOperatorNames(field.getValue()))) {
                    return null;
                }
                if (set) {
                    sets.add(new FieldSet(path, field.getValue()));
                } else {
                    unsets.add(path);
                }
            }
        }
        for (String path : paths) {
            // a path inside another one of the same update is a conflict: the library reports it
            for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
                if (paths.contains(path.substring(0, dot))) {
                    return null;
                }
            }
        }
        return new PathUpdate(sets, unsets);
    }

    /**
     * The update applied to a copy of {@code stored}, which it leaves unchanged; null when a path meets something other
     * than a sub-document on its way (an array, a value), which the library handles.
     */
    Result applyTo(Document stored) {
        Document updated = new Document(stored);
        Set<Document> copies = Collections.newSetFromMap(new IdentityHashMap<>());
        copies.add(updated);
        boolean changed = false;
        for (var set : sets) {
            String[] path = set.path();
            Document parent = parentOf(updated, path, copies, true);
            if (parent == null) {
                return null;
            }
            String field = path[path.length - 1];
            if (!parent.containsKey(field) || !Objects.equals(parent.get(field), set.value())) {
                changed = true;
            }
            parent.put(field, set.value());
        }
        for (String[] path : unsets) {
            Boolean present = holds(updated, path);
            if (present == null) {
                return null;
            }
            if (present) {
                parentOf(updated, path, copies, false).remove(path[path.length - 1]);
                changed = true;
            }
        }
        return new Result(updated, changed);
    }

    /**
     * The sub-document holding the path's last field, each one on the way copied once (the stored ones are shared
     * with the stored document); missing ones created when {@code create}. Null when the way meets anything else.
     */
    private static Document parentOf(Document root, String[] path, Set<Document> copies, boolean create) {
        Document parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            Object child = parent.get(path[i]);
            Document next;
            if (child == null && !parent.containsKey(path[i]) && create) {
                next = new Document();
            } else if (child instanceof Document document) {
                next = copies.contains(document) ? document : new Document(document);
            } else {
                return null;
            }
            if (next != child) {
                parent.put(path[i], next);
                copies.add(next);
            }
            parent = next;
        }
        return parent;
    }

    /** Whether the path's last field is there; null when the way meets anything but sub-documents or nothing. */
    private static Boolean holds(Document root, String[] path) {
        Document parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            Object child = parent.get(path[i]);
            if (child == null && !parent.containsKey(path[i])) {
                return false;
            }
            if (!(child instanceof Document document)) {
                return null;
            }
            parent = document;
        }
        return parent.containsKey(path[path.length - 1]);
    }

    /** The path's fields, when none is empty, an operator, {@code _id} at the top or an array index. */
    private static String[] plainPath(String path) {
        String[] fields = path.split("\\.", -1);
        for (String field : fields) {
            if (field.isEmpty() || field.startsWith("$") || isIndex(field)) {
                return null;
            }
        }
        return fields[0].equals("_id") ? null : fields;
    }

    private static boolean isIndex(String field) {
        return field.chars().allMatch(Character::isDigit);
    }

    /** Whether a value to set holds a field name MongoDB refuses to store ({@code $...}); the library says so. */
    private static boolean holdsOperatorNames(Object value) {
        if (value instanceof Document document) {
            for (var entry : document.entrySet()) {
                if (entry.getKey().startsWith("$") || holdsOperatorNames(entry.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof Collection<?> values) {
            for (Object element : values) {
                if (holdsOperatorNames(element)) {
                    return true;
                }
            }
        }
        return false;
    }
}
