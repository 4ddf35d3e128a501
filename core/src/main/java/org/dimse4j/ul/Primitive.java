package org.dimse4j.ul;

/**
 * The service primitives the Upper Layer issues to its local user: indications and confirmations
 * (PS3.8 §7, as used by the actions of Tables 9-6 … 9-9).
 * <p>
 * Passed to {@link DulActionHandler#indicate(Primitive)}; what travels with the primitive (the received PDU, its
 * PDVs, the abort reason) is held by the association, not by the machine.
 */
public enum Primitive
{
    /** A-ASSOCIATE indication: a peer asks for an association (AE-6, accept path). */
    A_ASSOCIATE_INDICATION("A-ASSOCIATE indication"),
    /** A-ASSOCIATE confirmation, accepted: the peer sent A-ASSOCIATE-AC (AE-3). */
    A_ASSOCIATE_CONFIRM_ACCEPT("A-ASSOCIATE confirmation (accept)"),
    /** A-ASSOCIATE confirmation, rejected: the peer sent A-ASSOCIATE-RJ (AE-4). */
    A_ASSOCIATE_CONFIRM_REJECT("A-ASSOCIATE confirmation (reject)"),
    /** P-DATA indication: the peer sent P-DATA-TF (DT-2, AR-6). */
    P_DATA_INDICATION("P-DATA indication"),
    /** A-RELEASE indication: the peer asks to release (AR-2, AR-8). */
    A_RELEASE_INDICATION("A-RELEASE indication"),
    /** A-RELEASE confirmation: the peer answered our release request (AR-3, AR-10). */
    A_RELEASE_CONFIRM("A-RELEASE confirmation"),
    /** A-ABORT indication: the peer's service-user aborted (AA-3 with source 0). */
    A_ABORT_INDICATION("A-ABORT indication"),
    /** A-P-ABORT indication: a service-provider abort, sent by the peer or caused locally (AA-3, AA-4, AA-8). */
    A_P_ABORT_INDICATION("A-P-ABORT indication");

    private final String description;

    Primitive(final String description)
    {
        this.description = description;
    }

    /**
     * @return the standard's name of the primitive, e.g. {@code "A-P-ABORT indication"}.
     */
    public String description()
    {
        return description;
    }
}
