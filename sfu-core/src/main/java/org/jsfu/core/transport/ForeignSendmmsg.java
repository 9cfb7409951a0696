package org.jsfu.core.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * libc's {@code sendmmsg(2)} and {@code __errno_location()} through Java 17's incubating Foreign Linker
 * API, and the native memory of one {@link MmsgBatch}. The only class that names
 * {@code jdk.incubator.foreign}: it is loaded (by {@link NativeSend}, reflectively) only when the JVM
 * runs with {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}.
 *
 * <p>errno is read with a second downcall right after the failed one; the JVM could in principle
 * overwrite it in between (a safepoint), so a misread only changes how many datagrams of that batch
 * a failure drops ({@link MmsgBatch#flush}).
 */
final class ForeignSendmmsg implements MmsgBatch.Syscall {
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle ERRNO_LOCATION;
    private static final MethodHandle SETSOCKOPT;

    static {
        CLinker c = CLinker.getInstance();
        SymbolLookup libc = CLinker.systemLookup();
        SENDMMSG = c.downcallHandle(libc.lookup("sendmmsg").orElseThrow(),
                MethodType.methodType(int.class, int.class, MemoryAddress.class, int.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT));
        ERRNO_LOCATION = c.downcallHandle(libc.lookup("__errno_location").orElseThrow(),
                MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
        SETSOCKOPT = c.downcallHandle(libc.lookup("setsockopt").orElseThrow(),
                MethodType.methodType(int.class, int.class, int.class, int.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER,
                        CLinker.C_INT));
    }

    /** {@code setsockopt(fd, level, name, &value, 4)}: true when it succeeded. Not for the hot path. */
    static boolean setIntOption(int fd, int level, int name, int value) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment v = MemorySegment.allocateNative(4, scope);
            MemoryAccess.setInt(v, value);
            return (int) SETSOCKOPT.invokeExact(fd, level, name, v.address(), 4) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Keeps the batch memory reachable (freed by the GC with the batch: implicit scope). */
    private final MemorySegment memory;
    private final MemoryAddress base;
    private final long baseRaw;

    private ForeignSendmmsg(MemorySegment memory) {
        this.memory = memory;
        this.base = memory.address();
        this.baseRaw = base.toRawLongValue();
    }

    /** A batch over fresh native memory. */
    static MmsgBatch newBatch() {
        MemorySegment m = MemorySegment.allocateNative(MmsgBatch.BYTES, 64, ResourceScope.newImplicitScope());
        ForeignSendmmsg sys = new ForeignSendmmsg(m);
        return new MmsgBatch(m.asByteBuffer(), sys.baseRaw, sys);
    }

    @Override
    public int sendmmsg(int fd, long msgvec, int vlen) {
        // the whole batch uses the cached address; only a retry after a partial send makes one
        MemoryAddress a = msgvec == baseRaw ? base : MemoryAddress.ofLong(msgvec);
        try {
            return (int) SENDMMSG.invokeExact(fd, a, vlen, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("sendmmsg downcall failed", t);
        }
    }

    @Override
    public int errno() {
        try {
            MemoryAddress p = (MemoryAddress) ERRNO_LOCATION.invokeExact();
            return MemoryAccess.getInt(p.asSegment(4, ResourceScope.globalScope()));
        } catch (Throwable t) {
            throw new IllegalStateException("__errno_location downcall failed", t);
        }
    }

    @Override
    public String toString() {
        return "sendmmsg(" + memory.byteSize() + " B batch)";
    }
}
