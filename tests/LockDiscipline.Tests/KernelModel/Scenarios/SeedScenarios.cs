// Compiled by KernelModel/ScenarioTests.cs together with src/KernelModel (fixed, or with SEED_BUGS), never by the test project:
// each scenario drives one seed's paths through the model's real locks and reference counts, and throws when a check fails.
using System;
using System.Threading;
using Kernel;

public static class SeedScenarios
{
    static void Check(bool c, string what) { if (!c) throw new Exception("check failed: " + what); }

    static readonly S390IommuOps IommuOps = new();
    static readonly BusType Pci = new("pci", IommuOps);
    static readonly DeviceDriver VfioPci = new("vfio-pci", new Module("vfio-pci"));

    static Device NewPciDev(string name)
    {
        var dev = new Device(name, Pci) { Zdev = new ZpciDev(IommuOps) };
        Check(Iommu.IommuBusNotifier(Iommu.BusNotifyAddDevice, dev) == Notifier.NotifyOk, "probe");
        dev.Driver = VfioPci;
        return dev;
    }

    static VfioGroupFile OpenGroup(Device dev)
    {
        var g = Vfio.VfioGroupGetFromDev(dev)!;
        Check(Vfio.VfioGroupFopsOpen(g, out var gf) == 0, "group open");
        Vfio.VfioGroupPut(g);
        Check(Vfio.VfioGroupIoctlSetContainer(gf!, new VfioContainer()) == 0, "set container");
        return gf!;
    }

    static KvmDevice AddKvmVfio(Kvm kvm, VfioGroupFile gf)
    {
        var cd = new KvmCreateDeviceArgs { Type = KvmMain.KvmDevTypeVfio };
        Check(KvmMain.KvmVmIoctl(kvm, KvmIoctl.KvmCreateDevice, cd) == 0, "create kvm-vfio");
        var kdev = (KvmDevice)AnonInode.Lookup(cd.Fd)!;
        Check(KvmMain.KvmDeviceIoctl(kdev, KvmIoctl.KvmSetDeviceAttr, new KvmDeviceAttr { Group = KvmVfio.KvmDevVfioGroup, Attr = KvmVfio.KvmDevVfioGroupAdd, Addr = gf }) == 0, "group add");
        return kdev;
    }

    public static void Seed000()
    {
        var dev = NewPciDev("0000:00:01.0");
        Check(Vfio.VfioAddGroupDev(dev, VfioPciOps.Instance, new VfioPciCoreDevice()) == 0, "add group dev");
        var gf = OpenGroup(dev);
        var kvm = KvmMain.KvmCreateVm(KvmArchKind.X86, out _)!;
        var kdev = AddKvmVfio(kvm, gf);
        Check(Vfio.VfioGroupIoctlGetDeviceFd(gf, dev.Name, out var df) == 0, "get device fd");
        Check(df!.Device!.Kvm == kvm, "device holds kvm");
        KvmMain.KvmDeviceRelease(kdev);
        KvmMain.KvmVmRelease(kvm);
        Check(!kvm.Destroyed, "vm alive while device open");
        Vfio.VfioDeviceFopsRelease(df);   // the final kvm_put_kvm
        Check(kvm.Destroyed, "vm destroyed on device close");
        Vfio.VfioGroupFopsRelease(gf);
    }

    public static void Seed001()
    {
        var dev = NewPciDev("0000:00:02.0");
        Check(Vfio.VfioAddGroupDev(dev, VfioPciOps.Instance, new VfioPciCoreDevice()) == 0, "add group dev");
        var gf = OpenGroup(dev);
        Check(Vfio.VfioGroupIoctlGetDeviceFd(gf, dev.Name, out var df) == 0, "get device fd");
        var unbound = new Thread(() => Vfio.VfioDelGroupDev(dev));
        unbound.Start();
        Thread.Sleep(100);
        Check(unbound.IsAlive, "unbind waits for the open device");
        Vfio.VfioDeviceFopsRelease(df!);
        Check(unbound.Join(2000), "unbind completes");
        // the device stays on the unbound list until the driver core reports the unbind
        dev.Driver = null;
        Iommu.IommuBusNotifier(Iommu.BusNotifyUnboundDriver, dev);
        Vfio.VfioGroupFopsRelease(gf);
    }

    // Seed 002's interleaving, made to happen every time through the lockdep hook: the vcpu is inside its kvm->srcu read
    // section and about to take kvm->lock when the event channel reset takes kvm->lock and waits for SRCU readers. Before the
    // fix the vcpu then waits for kvm->lock and the reset for the vcpu: neither returns. After it the vcpu takes the Xen lock,
    // never kvm->lock, and both finish.
    public static volatile string? Seed002Reached;

    public static void Seed002Interleaved()
    {
        var (kvm, vcpu) = Seed002Vm();
        kvm.GuestMemory[0x1000] = new EvtchnSend { Port = 5 };
        using var vcpuAtKvmLock = new ManualResetEventSlim();
        using var vcpuDone = new ManualResetEventSlim();
        using var resetWaitsForReaders = new ManualResetEventSlim();
        Thread? vcpuThread = null;
        Lockdep.LockAcquire = taken =>
        {
            if (Thread.CurrentThread == vcpuThread && ReferenceEquals(taken, kvm.Lock))
            {
                vcpuAtKvmLock.Set();
                resetWaitsForReaders.Wait(5000);
            }
            else if (Thread.CurrentThread != vcpuThread && ReferenceEquals(taken, kvm.Srcu))
            {
                Seed002Reached = vcpuAtKvmLock.IsSet ? "the reset holds kvm->lock and waits for SRCU readers; the vcpu, a reader, is about to take kvm->lock" : "the reset waits for SRCU readers";
                resetWaitsForReaders.Set();
            }
        };
        try
        {
            vcpuThread = new Thread(() =>
            {
                kvm.Arch.Xen.ShinfoCache.Invalidate();   // the slow path, which takes a lock
                vcpu.GuestProgram.Enqueue(GuestExit.Hypercall(KvmXenOps.HypervisorEventChannelOp, KvmXenOps.EvtchnopSend, 0x1000));
                KvmMain.KvmVcpuIoctl(vcpu, KvmIoctl.KvmRun, null);
                vcpuDone.Set();
            }) { IsBackground = true };
            vcpuThread.Start();
            Check(WaitHandle.WaitAny(new[] { vcpuAtKvmLock.WaitHandle, vcpuDone.WaitHandle }, 5000) != WaitHandle.WaitTimeout, "the vcpu reaches kvm->lock or finishes its run");
            KvmXenOps.KvmXenHvmSetAttr(kvm, new KvmXenHvmAttr { Type = KvmXenHvmAttr.TypeEvtchn, EvtchnFlags = KvmXenHvmAttr.EvtchnReset });
            Check(vcpuThread.Join(5000), "vcpu thread finishes");
            Check((kvm.Arch.Xen.ShinfoCache.EvtchnPending[0] & (1L << 5)) != 0, "port 5 pending");
        }
        finally
        {
            Lockdep.LockAcquire = null;
        }

        KvmMain.KvmVcpuRelease(vcpu);
        KvmMain.KvmVmRelease(kvm);
        Check(kvm.Destroyed, "vm destroyed");
    }

    static (Kvm Kvm, KvmVcpu Vcpu) Seed002Vm()
    {
        var kvm = KvmMain.KvmCreateVm(KvmArchKind.X86, out _)!;
        Check(KvmMain.KvmVmIoctl(kvm, KvmIoctl.KvmXenHvmConfig, new KvmXenHvmConfig { Flags = KvmXenHvmConfig.InterceptHcall, Msr = 0x40000000 }) == 0, "hvm config");
        var vfd = (int)KvmMain.KvmVmIoctl(kvm, KvmIoctl.KvmCreateVcpu, 0u);
        var vcpu = (KvmVcpu)AnonInode.Lookup(vfd)!;
        Check(KvmXenOps.KvmXenHvmSetAttr(kvm, new KvmXenHvmAttr { Type = KvmXenHvmAttr.TypeSharedInfo, SharedInfoGfn = 0x10 }) == 0, "shinfo");
        Check(KvmMain.KvmVcpuIoctl(vcpu, KvmIoctl.KvmXenVcpuSetAttr, new KvmXenVcpuAttr { Type = KvmXenVcpuAttr.TypeVcpuInfo, Gpa = 0x2000 }) == 0, "vcpu info");
        for (uint p = 1; p < 40; p++)
        {
            var a = new KvmXenHvmAttr { Type = KvmXenHvmAttr.TypeEvtchn, EvtchnSendPort = p, EvtchnType = KvmXenOps.EvtchnStatInterdomain };
            a.EvtchnDeliverPort.Port = p; a.EvtchnDeliverPort.VcpuId = 0;
            Check(KvmXenOps.KvmXenHvmSetAttr(kvm, a) == 0, "assign " + p);
        }
        return (kvm, vcpu);
    }

    public static void Seed002()
    {
        var (kvm, vcpu) = Seed002Vm();
        kvm.GuestMemory[0x1000] = new EvtchnSend { Port = 5 };
        var stop = false;
        var runs = 0;
        var runner = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                kvm.Arch.Xen.ShinfoCache.Invalidate();   // force the slow path that takes the Xen lock
                for (var i = 0; i < 20; i++) vcpu.GuestProgram.Enqueue(GuestExit.Hypercall(KvmXenOps.HypervisorEventChannelOp, KvmXenOps.EvtchnopSend, 0x1000));
                KvmMain.KvmVcpuIoctl(vcpu, KvmIoctl.KvmRun, null);
                Interlocked.Increment(ref runs);
            }
        });
        runner.Start();
        for (var i = 0; i < 50; i++)
        {
            KvmXenOps.KvmXenHvmSetAttr(kvm, new KvmXenHvmAttr { Type = KvmXenHvmAttr.TypeEvtchn, EvtchnFlags = KvmXenHvmAttr.EvtchnReset });
            var a = new KvmXenHvmAttr { Type = KvmXenHvmAttr.TypeEvtchn, EvtchnSendPort = 5, EvtchnType = KvmXenOps.EvtchnStatInterdomain };
            a.EvtchnDeliverPort.Port = 5;
            KvmXenOps.KvmXenHvmSetAttr(kvm, a);
        }
        // Port 5 is pending only if an event was sent after the last reset: let the vcpu run twice more before stopping it.
        var seen = Volatile.Read(ref runs);
        Check(SpinWait.SpinUntil(() => Volatile.Read(ref runs) >= seen + 2, 5000), "the vcpu runs after the last reset");
        Volatile.Write(ref stop, true);
        Check(runner.Join(5000), "vcpu thread finishes");
        Check((kvm.Arch.Xen.ShinfoCache.EvtchnPending[0] & (1L << 5)) != 0, "port 5 pending");
        KvmMain.KvmVcpuRelease(vcpu);
        KvmMain.KvmVmRelease(kvm);
        Check(kvm.Destroyed, "vm destroyed");
    }

    public static void Seed003()
    {
        var a = NewPciDev("0000:00:03.0");
        var domain = Iommu.IommuDomainAlloc(Pci)!;
        Check(Iommu.IommuAttachDevice(domain, a) == 0, "attach");
        Check(Iommu.IommuDeviceClaimDmaOwner(a, null) == -Errno.EINVAL, "claim without owner");
        Check(Iommu.IommuDeviceClaimDmaOwner(a, "vfio") == -Errno.EBUSY, "claim while attached");
        Iommu.IommuDetachDevice(domain, a);
        Check(Iommu.IommuDeviceClaimDmaOwner(a, "vfio") == 0, "claim");
        Iommu.IommuDeviceReleaseDmaOwner(a);
        var group = a.IommuGroup!;
        Check(Iommu.IommuAttachDevice(domain, a) == 0, "attach again");
        Iommu.IommuBusNotifier(Iommu.BusNotifyRemovedDevice, a);
        Check(a.IommuGroup is null && a.Zdev!.S390Domain is null, "released and detached");
        Check(group.Released, "group released with its last device");
    }

    public static void Seed004()
    {
        var kvm = KvmMain.KvmCreateVm(KvmArchKind.S390, out _)!;
        var vfd = (int)KvmMain.KvmVmIoctl(kvm, KvmIoctl.KvmCreateVcpu, 0u);
        var vcpu = (KvmVcpu)AnonInode.Lookup(vfd)!;
        // the mdev's device sits in its own iommu group and vfio group (vfio_mdev)
        var mdevDev = new Device("mdev-uuid", Pci) { Zdev = new ZpciDev(IommuOps) };
        Check(Iommu.IommuBusNotifier(Iommu.BusNotifyAddDevice, mdevDev) == Notifier.NotifyOk, "mdev probe");
        mdevDev.Driver = VfioPci;
        Check(Vfio.VfioAddGroupDev(mdevDev, VfioPciOps.Instance, new VfioPciCoreDevice()) == 0, "mdev group dev");
        var mdev = new MdevDevice(mdevDev);
        Check(VfioApOps.VfioApMdevCreate(mdev) == 0, "mdev create");
        var m = mdev.Drvdata!;
        VfioApOps.SetBitInv(m.Matrix.Apm, 3); VfioApOps.SetBitInv(m.Matrix.Aqm, 5);
        var apqn = VfioApOps.ApMkqid(3, 5);
        MatrixDev.Queues[apqn] = new VfioApQueue(apqn);
        Check(VfioApOps.VfioApMdevOpen(mdev) == 0, "mdev open");
        var gf = OpenGroup(mdevDev);
        var kdev = AddKvmVfio(kvm, gf);     // SET_KVM notification -> vfio_ap_mdev_set_kvm
        Check(kvm.Arch.Crypto.PqapHook is not null && kvm.Arch.Crypto.Apm[0] != 0, "masks set");
        var stop = false;
        var runner = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                for (var i = 0; i < 10; i++) vcpu.GuestProgram.Enqueue(GuestExit.Instruction(0xb2af, 0x03000000UL | (ulong)apqn, 1UL << (63 - 16) | 3, 0x5000));
                KvmMain.KvmVcpuIoctl(vcpu, KvmIoctl.KvmRun, null);
            }
        });
        runner.Start();
        for (var i = 0; i < 20; i++)
        {
            KvmS390.KvmArchVmIoctl(kvm, KvmIoctl.KvmS390PvCommand, new KvmPvCmd { Cmd = KvmS390.KvmPvEnable });
            KvmS390.KvmArchVmIoctl(kvm, KvmIoctl.KvmS390PvCommand, new KvmPvCmd { Cmd = KvmS390.KvmPvDisable });
        }
        Volatile.Write(ref stop, true);
        Check(runner.Join(5000), "vcpu thread finishes");
        VfioApOps.VfioApMdevRelease(mdev);     // unset_kvm: drops the mdev's kvm reference
        Check(kvm.Arch.Crypto.PqapHook is null && kvm.Arch.Crypto.Apm[0] == 0, "masks cleared");
        KvmMain.KvmDeviceRelease(kdev);
        KvmMain.KvmVcpuRelease(vcpu);
        KvmMain.KvmVmRelease(kvm);
        Check(kvm.Destroyed, "vm destroyed");
        Vfio.VfioGroupFopsRelease(gf);
        Check(VfioApOps.VfioApMdevRemove(mdev) == 0, "mdev remove");
    }
}
