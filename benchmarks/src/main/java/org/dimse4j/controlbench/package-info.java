/**
 * Benchmarks of control-plane code that allocates by design (query results): outside the package
 * {@code org.dimse4j.benchmarks} so that the zero-allocation gate ({@code AllocationGate.HOT_PATH_INCLUDE}) does not
 * pick them up.
 */
package org.dimse4j.controlbench;
