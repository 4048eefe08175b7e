/**
 * The parts of Mesos's v1 operator API JSON (`mesos.v1.master.Event`, `Response.GetState`, snake_case field names)
 * that the UI reads. Every field is optional: the UI must render whatever a master sends, never crash on a gap.
 */

export interface Id {
  readonly value?: string;
}

export interface TimeInfo {
  /** int64 nanoseconds: a number, or a string when a JSON writer keeps 64-bit precision. */
  readonly nanoseconds?: number | string;
}

export interface Resource {
  readonly name?: string;
  readonly type?: string;
  readonly scalar?: { readonly value?: number };
  readonly ranges?: { readonly range?: readonly { readonly begin?: number | string; readonly end?: number | string }[] };
  readonly set?: { readonly item?: readonly string[] };
  readonly role?: string;
  readonly reservations?: readonly { readonly type?: string; readonly role?: string; readonly principal?: string }[];
  readonly disk?: { readonly persistence?: { readonly id?: string }; readonly volume?: { readonly container_path?: string } };
  readonly allocation_info?: { readonly role?: string };
  readonly revocable?: object;
}

export interface TaskStatus {
  readonly task_id?: Id;
  readonly state?: string;
  readonly message?: string;
  readonly source?: string;
  readonly reason?: string;
  readonly agent_id?: Id;
  readonly executor_id?: Id;
  /** Seconds since the epoch (a double). */
  readonly timestamp?: number;
  readonly healthy?: boolean;
}

export interface Task {
  readonly name?: string;
  readonly task_id?: Id;
  readonly framework_id?: Id;
  readonly executor_id?: Id;
  readonly agent_id?: Id;
  readonly state?: string;
  readonly resources?: readonly Resource[];
  readonly statuses?: readonly TaskStatus[];
  readonly status_update_state?: string;
  readonly user?: string;
}

export interface AgentInfo {
  readonly hostname?: string;
  readonly port?: number;
  readonly id?: Id;
  readonly resources?: readonly Resource[];
  readonly attributes?: readonly { readonly name?: string; readonly type?: string; readonly text?: { readonly value?: string }; readonly scalar?: { readonly value?: number } }[];
}

export interface DrainInfo {
  readonly state?: string;
  readonly config?: { readonly max_grace_period?: { readonly nanoseconds?: number | string }; readonly mark_gone?: boolean };
}

/** `Response.GetAgents.Agent`. */
export interface Agent {
  readonly agent_info?: AgentInfo;
  readonly active?: boolean;
  readonly deactivated?: boolean;
  readonly version?: string;
  readonly pid?: string;
  readonly registered_time?: TimeInfo;
  readonly reregistered_time?: TimeInfo;
  readonly total_resources?: readonly Resource[];
  readonly allocated_resources?: readonly Resource[];
  readonly offered_resources?: readonly Resource[];
  readonly drain_info?: DrainInfo;
}

export interface FrameworkInfo {
  readonly id?: Id;
  readonly name?: string;
  readonly user?: string;
  readonly role?: string;
  readonly roles?: readonly string[];
  readonly principal?: string;
  readonly hostname?: string;
  readonly webui_url?: string;
  readonly failover_timeout?: number;
  readonly checkpoint?: boolean;
  readonly capabilities?: readonly { readonly type?: string }[];
}

/** `Response.GetFrameworks.Framework`. */
export interface Framework {
  readonly framework_info?: FrameworkInfo;
  readonly active?: boolean;
  readonly connected?: boolean;
  readonly recovered?: boolean;
  readonly registered_time?: TimeInfo;
  readonly reregistered_time?: TimeInfo;
  readonly unregistered_time?: TimeInfo;
  readonly allocated_resources?: readonly Resource[];
  readonly offered_resources?: readonly Resource[];
}

export interface Executor {
  readonly executor_info?: { readonly executor_id?: Id; readonly framework_id?: Id; readonly name?: string; readonly type?: string; readonly resources?: readonly Resource[] };
  readonly agent_id?: Id;
}

/** `Response.GetState`. */
export interface GetState {
  readonly get_tasks?: {
    readonly pending_tasks?: readonly Task[];
    readonly tasks?: readonly Task[];
    readonly unreachable_tasks?: readonly Task[];
    readonly completed_tasks?: readonly Task[];
    readonly orphan_tasks?: readonly Task[];
  };
  readonly get_executors?: { readonly executors?: readonly Executor[]; readonly orphan_executors?: readonly Executor[] };
  readonly get_frameworks?: { readonly frameworks?: readonly Framework[]; readonly completed_frameworks?: readonly Framework[]; readonly recovered_frameworks?: readonly FrameworkInfo[] };
  readonly get_agents?: { readonly agents?: readonly Agent[]; readonly recovered_agents?: readonly AgentInfo[] };
}

/** `mesos.v1.master.Event`. */
export interface MasterEvent {
  readonly type?: string;
  readonly subscribed?: { readonly get_state?: GetState; readonly heartbeat_interval_seconds?: number };
  readonly task_added?: { readonly task?: Task };
  readonly task_updated?: { readonly framework_id?: Id; readonly status?: TaskStatus; readonly state?: string };
  readonly agent_added?: { readonly agent?: Agent };
  readonly agent_removed?: { readonly agent_id?: Id };
  readonly framework_added?: { readonly framework?: Framework };
  readonly framework_updated?: { readonly framework?: Framework };
  readonly framework_removed?: { readonly framework_info?: FrameworkInfo };
}
