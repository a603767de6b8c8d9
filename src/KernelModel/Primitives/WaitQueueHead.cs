using System;

namespace Kernel
{
    /// <summary>
    /// wait_queue_head_t with wait_event*/wake_up. As in the kernel, the condition is evaluated without the queue's lock held,
    /// so it may take other locks; a wake-up counter closes the window between the check and the sleep.
    /// </summary>
    public sealed class WaitQueueHead
    {
        private readonly object _gate = new();
        private long _wakeups;

        // wait_event
        public void WaitEvent(Func<bool> condition)
        {
            while (true)
            {
                long seen;
                lock (_gate)
                {
                    seen = _wakeups;
                }

                if (condition())
                {
                    return;
                }

                lock (_gate)
                {
                    while (_wakeups == seen)
                    {
                        System.Threading.Monitor.Wait(_gate);
                    }
                }
            }
        }

        /// <summary>wait_event_timeout: 0 when the timeout elapsed with the condition false, else the time left (at least 1).</summary>
        public long WaitEventTimeout(Func<bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                long seen;
                lock (_gate)
                {
                    seen = _wakeups;
                }

                if (condition())
                {
                    return Math.Max(1, (long)(deadline - DateTime.UtcNow).TotalMilliseconds);
                }

                lock (_gate)
                {
                    while (_wakeups == seen)
                    {
                        var left = deadline - DateTime.UtcNow;
                        if (left <= TimeSpan.Zero)
                        {
                            return 0;
                        }

                        System.Threading.Monitor.Wait(_gate, left);
                    }
                }
            }
        }

        // wake_up
        public void WakeUp()
        {
            lock (_gate)
            {
                _wakeups++;
                System.Threading.Monitor.PulseAll(_gate);
            }
        }
    }
}
