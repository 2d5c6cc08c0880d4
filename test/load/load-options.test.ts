import { describe, expect, it } from 'vitest';
import { LoadOptionsError, parseLoadOptions, runSeconds } from '../../bench/load/load-options.js';

describe('npm run load flags', () => {
  it('has defaults for a short run and reads every flag', () => {
    expect(parseLoadOptions([])).toEqual({
      clients: 50,
      rate: 10,
      duration: 30,
      faults: 0,
      instances: 1,
      chaos: false,
    });
    const options = parseLoadOptions(
      '--clients 20 --rate 2.5 --duration 5 --soak 600 --faults 0.2 --instances 3 --chaos'.split(' '),
    );
    expect(options).toMatchObject({
      clients: 20,
      rate: 2.5,
      soak: 600,
      faults: 0.2,
      instances: 3,
      chaos: true,
    });
    expect(runSeconds(options)).toBe(600);
  });

  it.each([
    [['--clients', '0'], '--clients must be at least 1'],
    [['--rate', 'fast'], '--rate must be a number'],
    [['--faults', '1.5'], '--faults must be a share between 0 and 1'],
    [['--duration', '2.5'], '--duration must be a whole number'],
    [['--chaos'], '--chaos needs --instances 2 or more'],
    [['--turbo'], "Unknown option '--turbo'"],
  ])('refuses %j, naming the flag', (argv, message) => {
    expect(() => parseLoadOptions(argv)).toThrow(LoadOptionsError);
    expect(() => parseLoadOptions(argv)).toThrow(message);
  });
});
