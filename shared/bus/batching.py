"""Groups deliveries into batches: a free worker takes what is waiting, up to a size, lingering briefly for more.

Pulling (rather than cutting batches on a timer) makes batches grow with the load: while the workers are busy
deliveries pile up, and the next free worker takes a full batch at once; when traffic is light, an event waits
at most the linger.
"""
import asyncio
from typing import TypeVar

T = TypeVar("T")


async def take_batch(buffer: "asyncio.Queue[T]", size: int, linger: float) -> list[T]:
    """Waits for one item, then takes what is already waiting and what arrives within `linger`, up to `size`."""
    batch = [await buffer.get()]
    deadline = asyncio.get_running_loop().time() + linger
    while len(batch) < size:
        if not buffer.empty():
            batch.append(buffer.get_nowait())
            continue
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            break
        try:
            batch.append(await asyncio.wait_for(buffer.get(), remaining))
        except asyncio.TimeoutError:
            break
    return batch
