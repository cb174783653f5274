# Expected: frames run by generators and coroutines are on the stack where they run.
# - 5 allocations of 40009 bytes at "site: produce", kept, each with the stack
#   produce <- delegate ("site: delegates", a yield from) <- <module> ("site: consumes");
# - 6 allocations of 50021 bytes at "site: fetch", kept, each with the stack
#   fetch <- handle ("site: awaits") <- main ("site: calls-handle") <- the event loop's
#   own frames (asyncio, whose lines differ by version) <- <module> ("site: runs-main").
import asyncio


def produce(n):
    for _ in range(n):
        yield bytearray(40_008)  # site: produce


def delegate(n):
    yield from produce(n)  # site: delegates


kept = list(delegate(5))  # site: consumes


async def fetch():
    await asyncio.sleep(0)
    return bytearray(50_020)  # site: fetch


async def handle():
    return await fetch()  # site: awaits


async def main():
    results = []
    for _ in range(6):
        results.append(await handle())  # site: calls-handle
    return results


fetched = asyncio.run(main())  # site: runs-main
