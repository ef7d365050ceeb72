"""The engine shards the batch over several devices with the same results as one device."""
import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, jax
    import jaxbatt
    from jaxbatt import engine
    from jaxbatt.data import load_tasks, as_tuple_grid
    programs = jaxbatt.load_programs('''
    def solve_a(I):
        x1 = hmirror(I)
        O = vconcat(I, x1)
        return O

    def solve_b(I):
        x1 = rot90(I)
        x2 = trim(x1)
        O = upscale(x2, TWO)
        return O
    ''')
    tasks = load_tasks('arc1-training')[:6]
    lanes = [engine.Lane(p.input) for t in tasks for p in t.train]
    outcomes = engine.evaluate(programs.programs, lanes, engine.EngineConfig(min_batch=4))
    print(json.dumps({"devices": len(jax.devices()),
                      "sharded": engine.batch_sharding() is not None,
                      "outputs": {n: [None if o is None else as_tuple_grid(o) for o in oc.outputs]
                                  for n, oc in outcomes.items()},
                      "paths": {n: oc.paths for n, oc in outcomes.items()}}))
""")


def _run(devices):
    env = dict(os.environ, JAX_PLATFORMS="cpu",
               XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}")
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_four_devices_give_the_same_outputs_as_one():
    one, four = _run(1), _run(4)
    assert one["devices"] == 1 and not one["sharded"]
    assert four["devices"] == 4 and four["sharded"]
    assert four["outputs"] == one["outputs"]
    assert "jax" in four["paths"]["solve_a"]
