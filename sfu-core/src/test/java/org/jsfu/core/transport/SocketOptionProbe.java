package org.jsfu.core.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/** Reads a socket option back with libc's {@code getsockopt}, for tests of what {@link NativeSend} sets. */
final class SocketOptionProbe {
    private static final MethodHandle GETSOCKOPT = CLinker.getInstance().downcallHandle(
            CLinker.systemLookup().lookup("getsockopt").orElseThrow(),
            MethodType.methodType(int.class, int.class, int.class, int.class, MemoryAddress.class, MemoryAddress.class),
            FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER,
                    CLinker.C_POINTER));

    private SocketOptionProbe() {}

    /** {@code getsockopt(fd, level, name, ...)} of an int option, or -1 when it failed. */
    static int intOption(int fd, int level, int name) throws Throwable {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment v = MemorySegment.allocateNative(8, scope);
            MemoryAccess.setIntAtOffset(v, 4, 4); // optlen
            int r = (int) GETSOCKOPT.invokeExact(fd, level, name, v.address(), v.asSlice(4).address());
            return r == 0 ? MemoryAccess.getInt(v) : -1;
        }
    }
}
