/** One sample line of the Prometheus text format: `name{label="value",…} number`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** A scrape as samples, plus the names each `# TYPE` line declares (with a histogram's three series). */
export class Scrape {
  readonly samples: Sample[] = [];
  readonly declared = new Set<string>();

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      if (line.startsWith('# TYPE ')) this.#declare(line);
      else if (line !== '' && !line.startsWith('#')) this.#sample(line);
    }
  }

  /** The samples of `name` whose labels include `labels`. */
  find(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }

  /** The sum of the matching samples (0 when there are none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.find(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  #declare(line: string): void {
    const [, , name, type] = line.split(' ');
    if (!name) return;
    this.declared.add(name);
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_bucket', '_count', '_sum']) this.declared.add(`${name}${suffix}`);
    }
  }

  #sample(line: string): void {
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPair)) labels[key!] = value!;
    this.samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
}
