#nullable enable
using LockDiscipline;

namespace Shapes
{
    public class VfioGroup
    {
        [ReturnsRef] public static VfioGroup? Lookup(int id) => null;
        [DropsRef] public void Put() { }
    }

    public class Unbind
    {
        public void Remove(int id, bool fail)
        {
            var group = VfioGroup.Lookup(id);
            if (group == null)
                return;
            if (fail)
                return;
            group.Put();
        }
    }
}
