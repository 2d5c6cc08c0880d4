import { printTable } from '../print-table.js';
import { type Overhead, percentile, total } from './turns.js';

/** One side's batches at one level: its overheads and, for a service process, what it cost. */
export interface SideResult {
  overheads: Overhead[];
  /** Process figures; absent for the direct SDK, which runs in the measuring process itself. */
  process?: { loopDelayP99: number; cpuPerTurn: number; loopBusyPerTurn: number };
}

export interface LevelResult {
  level: number;
  service: SideResult;
  relay: SideResult;
  direct: SideResult;
  clientLoopDelayP99: number;
  connectionsOpened: number;
}

const ms = (value: number) => value.toFixed(2);
const totals = (side: SideResult) => side.overheads.map(total);
const p = (side: SideResult, at: number) => percentile(totals(side), at);
const legs = (side: SideResult, which: keyof Overhead) => side.overheads.map((overhead) => overhead[which]);
const leg = (side: SideResult, which: keyof Overhead) => ms(percentile(legs(side, which), 50));

export function printReport(
  levels: LevelResult[],
  turnMs: number,
  floor: { p50: number; p99: number },
): void {
  console.log(
    '\nOverhead before the first delta (client time to first delta − upstream time to first byte),',
  );
  console.log(
    `with N turns in flight (each streams ~${turnMs} ms; new turns start while the others stream).`,
  );
  console.log('Bare relay: socket.io + the OpenAI SDK and nothing else. Direct SDK: no service at all.');
  printTable(
    [
      'concurrent',
      'turns',
      'EchoTune p50 ms',
      'EchoTune p99 ms',
      'bare relay p50 ms',
      'bare relay p99 ms',
      'direct SDK p50 ms',
      'direct SDK p99 ms',
      'p50 added over relay',
      'p50 added over direct',
    ],
    levels.map(({ level, service, relay, direct }) => [
      String(level),
      String(service.overheads.length),
      ms(p(service, 50)),
      ms(p(service, 99)),
      ms(p(relay, 50)),
      ms(p(relay, 99)),
      ms(p(direct, 50)),
      ms(p(direct, 99)),
      ms(p(service, 50) - p(relay, 50)),
      ms(p(service, 50) - p(direct, 50)),
    ]),
    'right',
  );
  console.log('Target: EchoTune p50 < 1 ms, p99 < 5 ms at 200 concurrent turns.');
  console.log(
    `This machine's floor: one HTTP round trip between two idle processes on loopback, no SDK: ` +
      `p50 ${ms(floor.p50)} ms, p99 ${ms(floor.p99)} ms (the service path makes two such round trips).`,
  );

  console.log(
    '\nThe same wait in two legs, p50 ms: send → upstream has the request; upstream first byte → client',
  );
  printTable(
    [
      'concurrent',
      'EchoTune there',
      'EchoTune back',
      'relay there',
      'relay back',
      'direct there',
      'direct back',
    ],
    levels.map(({ level, service, relay, direct }) => [
      String(level),
      leg(service, 'there'),
      leg(service, 'back'),
      leg(relay, 'there'),
      leg(relay, 'back'),
      leg(direct, 'there'),
      leg(direct, 'back'),
    ]),
    'right',
  );

  console.log(
    '\nWhat a turn costs the service process (GC threads included in CPU; loop busy = main thread):',
  );
  const figures = (side: SideResult) => [
    ms(side.process?.cpuPerTurn ?? Number.NaN),
    ms(side.process?.loopBusyPerTurn ?? Number.NaN),
    (side.process?.loopDelayP99 ?? Number.NaN).toFixed(1),
  ];
  printTable(
    [
      'concurrent',
      'EchoTune CPU ms/turn',
      'EchoTune loop busy ms/turn',
      'EchoTune loop delay p99 ms',
      'relay CPU ms/turn',
      'relay loop busy ms/turn',
      'relay loop delay p99 ms',
      'client loop delay p99 ms',
      'upstream connections opened',
    ],
    levels.map(({ level, service, relay, clientLoopDelayP99, connectionsOpened }) => [
      String(level),
      ...figures(service),
      ...figures(relay),
      clientLoopDelayP99.toFixed(1),
      String(connectionsOpened),
    ]),
    'right',
  );
}
