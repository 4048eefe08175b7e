#!/usr/bin/env node
/** `mesos-default-executor`: the default executor, which the agent launches for task groups. */
import { main } from './main';

void main('default');
