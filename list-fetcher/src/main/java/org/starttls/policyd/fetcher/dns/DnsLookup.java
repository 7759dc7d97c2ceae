package org.starttls.policyd.fetcher.dns;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of one lookup (one name, one record type, CNAMEs followed), as a value. The four
 * kinds are kept apart because they mean different things to a sender: {@link Found} and the two
 * negative answers ({@link NoData}, {@link NxDomain}) are what the DNS says about the name;
 * {@link Failed} says nothing about it and must never be read as "no record".
 *
 * @param <T> what a record is read as (a {@code String} for TXT, an {@code InetAddress} for A and
 *     AAAA, a dnsjava {@code Record} for any type)
 */
public sealed interface DnsLookup<T> {

    /** The name asked for, lower case, without the trailing dot. */
    String name();

    /** Whether the DNS answered (records, NODATA or NXDOMAIN) rather than failed. */
    default boolean answered() {
        return !(this instanceof Failed);
    }

    /** The records found; empty for every other outcome. */
    default List<T> values() {
        return List.of();
    }

    /** The same outcome with each record read by {@code reader}. */
    <R> DnsLookup<R> map(Function<? super T, ? extends R> reader);

    /**
     * NOERROR with at least one record of the type asked for.
     *
     * @param canonicalName where the CNAME chain ended ({@code name} itself without CNAMEs)
     */
    record Found<T>(String name, String canonicalName, List<T> values) implements DnsLookup<T> {
        public Found {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(canonicalName, "canonicalName");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("Found needs at least one record; use NoData");
            }
        }

        @Override
        public <R> DnsLookup<R> map(Function<? super T, ? extends R> reader) {
            return new Found<>(name, canonicalName, values.stream().<R>map(reader).toList());
        }
    }

    /** NOERROR without a record of the type asked for: the name exists (NODATA). */
    record NoData<T>(String name) implements DnsLookup<T> {
        public NoData {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public <R> DnsLookup<R> map(Function<? super T, ? extends R> reader) {
            return new NoData<>(name);
        }
    }

    /** NXDOMAIN: the name (or the end of its CNAME chain) does not exist. */
    record NxDomain<T>(String name) implements DnsLookup<T> {
        public NxDomain {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public <R> DnsLookup<R> map(Function<? super T, ? extends R> reader) {
            return new NxDomain<>(name);
        }
    }

    /**
     * No answer about the name.
     *
     * @param detail one sentence for an operator, naming the name, the type and the resolver
     */
    record Failed<T>(String name, DnsFailure reason, String detail) implements DnsLookup<T> {
        public Failed {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public <R> DnsLookup<R> map(Function<? super T, ? extends R> reader) {
            return new Failed<>(name, reason, detail);
        }
    }
}
