package io.partitrain.archfixture.internals.lib.internal;

/** An implementation detail of {@code lib}. */
public class Hidden {}
