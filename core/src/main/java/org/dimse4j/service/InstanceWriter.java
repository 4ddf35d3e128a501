package org.dimse4j.service;

import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * Receives one instance's data set fragments as they arrive, then makes the instance durable and visible, or
 * removes every trace of it. Used by one thread.
 */
public interface InstanceWriter
{
    /**
     * @param buffer holding the fragment (valid only during the call).
     * @param offset of its first byte.
     * @param length its length.
     * @throws IOException if it cannot be written (the store then fails with 0xA700).
     */
    void write(DirectBuffer buffer, int offset, int length) throws IOException;

    /**
     * All bytes arrived: make the instance durable and visible. Only after this returns does the SCU hear
     * Success.
     *
     * @return the status to answer: 0x0000, or a warning.
     * @throws IOException if it cannot be completed (nothing is left behind).
     */
    int commit() throws IOException;

    /** The instance will not complete (the peer went away, or a write failed): remove what was written. */
    void abort();
}
