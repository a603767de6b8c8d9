using System.Threading;
using System.Threading.Tasks;

namespace Shapes
{
    public class Cache
    {
        private readonly object _gate = new object();
        private int _version;

        public async Task RefreshAsync()
        {
            Monitor.Enter(_gate);
            try
            {
                _version++;
                await Task.Delay(1);
            }
            finally
            {
                Monitor.Exit(_gate);
            }
        }
    }
}
