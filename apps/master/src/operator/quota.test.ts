import { ResourceLimits, ResourceQuantities } from '@mesos-ts/resources';
import { quotaTreeProblem, roleProblem, validateQuotaConfig } from './quota';

function quota(guarantees: string): { guarantees: ResourceQuantities; limits: ResourceLimits } {
  const parsed = ResourceQuantities.fromString(guarantees);
  if (!parsed.ok) throw parsed.error;
  return { guarantees: parsed.value, limits: ResourceLimits.NONE };
}

describe('quota validation', () => {
  it('checks that parents guarantee at least the sum of their children (Mesos QuotaTree)', () => {
    expect(quotaTreeProblem(new Map([['a', quota('cpus:2')], ['a/b', quota('cpus:1')], ['a/c', quota('cpus:1')]]))).toBeUndefined();
    expect(quotaTreeProblem(new Map([['a', quota('cpus:1')], ['a/b', quota('cpus:1')], ['a/c', quota('cpus:1')]]))).toBe(
      "Invalid quota configuration. Parent role 'a' with guarantees (cpus:1) does not contain the sum of its children's guarantees (cpus:2)",
    );
    // A parent without quota guarantees nothing.
    expect(quotaTreeProblem(new Map([['x/y', quota('mem:10')]]))).toBe(
      "Invalid quota configuration. Parent role 'x' with guarantees ({}) does not contain the sum of its children's guarantees (mem:10)",
    );
  });

  it('words role problems as Mesos', () => {
    expect(roleProblem('eng')).toBeUndefined();
    expect(roleProblem('*')).toBeUndefined();
    expect(roleProblem('')).toBe('Role names cannot be the empty string');
    expect(roleProblem('/a')).toBe("Role '/a' cannot start with a slash");
    expect(roleProblem('a b')).toMatch(/^Role component 'a b' is invalid/);
  });

  it('refuses NaN, infinite and negative values and guarantees above limits', () => {
    expect(validateQuotaConfig({ role: 'r', guarantees: { cpus: { value: Number.NaN } } })).toBe("Invalid guarantee configuration {'cpus': NaN}: NaN not supported");
    expect(validateQuotaConfig({ role: 'r', limits: { cpus: { value: -1 } } })).toBe("Invalid limit configuration {'cpus': -1}: Negative values not supported");
    expect(validateQuotaConfig({ role: 'r', guarantees: { gpus: { value: 2e12 } } })).toBe(
      "Invalid 'QuotaConfig.guarantees': {'gpus': 2000000000000} is invalid: values greater than 1 trillion (1000000000000) are not supported",
    );
    expect(validateQuotaConfig({ role: 'r', guarantees: { cpus: { value: 1 } }, limits: { mem: { value: 1 } } })).toBeUndefined();
    expect(validateQuotaConfig({ role: 'r', guarantees: { mem: { value: 2 } }, limits: { mem: { value: 1 } } })).toMatch(/is not contained within/);
  });
});
