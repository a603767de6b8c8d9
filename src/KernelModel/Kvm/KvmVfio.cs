using System.Collections.Generic;
using Kernel.Vfio;

namespace Kernel.Kvm
{
    /// <summary>The kvm-vfio pseudo device (virt/kvm/vfio.c).</summary>
    public sealed class KvmVfio : IKvmDeviceOps
    {
        public List<VfioGroup> Groups { get; } = new List<VfioGroup>();

        // kvm_vfio_destroy
        public void Destroy(KvmDevice device)
        {
            foreach (var group in Groups)
            {
                KvmVfioFileSetKvm(group, null);
            }

            Groups.Clear();
        }

        // kvm_vfio_file_set_kvm
        private static void KvmVfioFileSetKvm(VfioGroup group, Kvm? kvm) => VfioMain.VfioFileSetKvm(group, kvm);
    }
}
