package org.dimse4j.ul;

/**
 * How dimse4j identifies itself in A-ASSOCIATE-RQ/AC (PS3.7 D.3.3.2).
 */
public final class Implementation
{
    /** Implementation Class UID of dimse4j (a UUID-derived UID under 2.25, PS3.5 Annex B.2). */
    public static final String CLASS_UID = "2.25.264079735960695933110805833340659654170";
    /** Implementation Version Name: at most 16 characters. */
    public static final String VERSION_NAME = "DIMSE4J_0.1";

    private Implementation()
    {
    }
}
