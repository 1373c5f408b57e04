package org.opencrm.events;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Promises consumers that a component is always present and never null. Without it a reference-typed
 * component is optional: consumers must cope with its absence, which is what lets a contract grow by
 * adding fields without breaking anyone.
 *
 * <p>The promise is part of the contract: the generated JSON Schema lists the component as
 * {@code required}, and the compatibility check refuses to add or drop the annotation on an existing
 * component, because old events would then violate the new schema (added) or consumers relying on the
 * value would meet nulls (dropped). Envelope components and primitives are required without it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Required {}
