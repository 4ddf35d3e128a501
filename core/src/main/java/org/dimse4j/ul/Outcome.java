package org.dimse4j.ul;

/**
 * How an association ended.
 */
public enum Outcome
{
    /** Still in progress. */
    OPEN,
    /** Released in order (A-RELEASE). */
    RELEASED,
    /** The acceptor rejected it (A-ASSOCIATE-RJ). */
    REJECTED,
    /** The peer aborted it (A-ABORT, service-user source). */
    ABORTED_BY_PEER,
    /** The provider aborted it: the peer's A-ABORT with provider source, or our own after a protocol error. */
    PROVIDER_ABORT,
    /** We aborted it (A-ABORT request, or a timeout). */
    ABORTED_LOCALLY,
    /** The connection closed or failed without an orderly end. */
    CONNECTION_LOST
}
