// Generated from docs/openapi.yaml by openapi-typescript: do not edit by hand.
// Regenerate with `npm run gen:api` (frontend/); src/api/schema.test.ts fails when this is stale.

export interface paths {
    "/api/v1/auth/login/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["v1_auth_login_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["v1_auth_logout_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_auth_me_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/compare/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Runs side by side: each run (with metric summaries) and the config diff across them. */
        get: operations["v1_compare_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dataset-imports/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_dataset_imports_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["datasets_list"];
        put?: never;
        /** @description A file upload (multipart), or a task sequence of existing datasets (JSON, kind=task-sequence with 'tasks'). 200: the same content under the same name is already stored as that version. */
        post: operations["v1_datasets_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_datasets_retrieve"];
        put?: never;
        post?: never;
        /** @description Deletes this version (its creator, or an owner or admin); other versions stay. 409 while a run trains, validates or replays on it or a task sequence has it as a task. Its stored file goes with it, here and in the artifact store. */
        delete: operations["v1_datasets_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/runs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The runs that used the dataset as training, validation or replay data, newest first, with their status and key metric. */
        get: operations["datasets_runs_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/token-stats/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description Token lengths of the dataset's sequences under a model's tokenizer: mean, percentiles, max and a
         *     log2 histogram (computed once per tokenizer; at most the first 50,000 rows).
         */
        get: operations["v1_datasets_token_stats_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/import/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * @description Import a dataset with the `datasets` library on a worker: by Hugging Face id from the
         *     server's cache (nothing is downloaded), or from a `save_to_disk` directory on the server.
         */
        post: operations["v1_datasets_import_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invitations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Your open invitations: to your account, or to your e-mail address. */
        get: operations["v1_invitations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invitations/{token}/accept/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * @description Accepts an invitation: a signed-in user joins with it (200); a visitor without an account
         *     sends a username and password, gets an account with the invited e-mail address, joins and is
         *     signed in (201).
         */
        post: operations["v1_invitations_accept_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invitations/{token}/decline/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Declines an invitation sent to you: it is closed, and you do not join. */
        post: operations["v1_invitations_decline_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/methods/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_methods_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/methods/{name}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_methods_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["models_list"];
        put?: never;
        post: operations["v1_models_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_models_retrieve"];
        put?: never;
        post?: never;
        /** @description Deletes the model (its creator, or an owner or admin). 409 while a run uses it (as student, teacher or reference), a soup has it as an ingredient, or a playground session is generating with it. Files the registry stored (uploads, checkpoint copies) go with it; a server-local directory and a run's final model stay. */
        delete: operations["v1_models_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{id}/lineage/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description {model, ancestors, descendants, ingredients, soups}: each ancestor step names its run, teacher, initial student and reference model (alignment); each descendant the role (teacher, student or reference) this model played; ingredients are a soup's models in order, soups the soups made from this model. */
        get: operations["v1_models_lineage_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{id}/runs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The runs that used the model as student, teacher or reference, newest first, with their status and key metric. */
        get: operations["models_runs_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["v1_notifications_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/playground/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_playground_list"];
        put?: never;
        post: operations["v1_playground_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/playground/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description The session now; outputs fill in as tokens are generated. To follow it live, open
         *     /playground/{id}/events/ (Server-Sent Events) instead of polling this.
         */
        get: operations["v1_playground_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/playground/{id}/events/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description Server-Sent Events for one playground session: `session` (everything, first), then `outputs`
         *     (the cells whose text grew or finished) and `status`; the stream ends when the session is done
         *     or failed.
         */
        get: operations["v1_playground_events_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["runs_list"];
        put?: never;
        post: operations["v1_runs_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_runs_retrieve"];
        put?: never;
        post?: never;
        delete: operations["v1_runs_destroy"];
        options?: never;
        head?: never;
        patch: operations["v1_runs_partial_update"];
        trace?: never;
    };
    "/api/v1/runs/{id}/artifacts/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_runs_artifacts_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/artifacts/{artifact_id}/content/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description The JSON document of one of the run's table artifacts, as the engine wrote it (e.g. the
         *     continual-learning accuracy matrix 'cl-matrix-step-N' or a 'calibration-step-N' reliability
         *     diagram). Other artifact kinds are 400; tables larger than ARTIFACT_TABLE_MAX_BYTES are 413.
         */
        get: operations["v1_runs_artifacts_content_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/artifacts/{artifact_id}/download/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description Downloads an artifact: a file as itself, a directory (a checkpoint, the final model) as a tar
         *     named run-ID-NAME.tar whose members sit under run-ID-NAME/. Fetched from the artifact store
         *     first when the run wrote it on another host; 404 while its worker is still uploading it.
         */
        get: operations["v1_runs_artifacts_download_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/cancel/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["v1_runs_cancel_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/clone/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A new run from this one with edits: config edits are deep-merged into the original config. */
        post: operations["v1_runs_clone_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/events/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Server-Sent Events for one run: `metrics`, `log` and `status` messages. */
        get: operations["v1_runs_events_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/logs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_runs_logs_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/metrics/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_runs_metrics_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/metrics/export/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description Every point of the run's metrics at full resolution (no downsampling), streamed as CSV or as
         *     one JSON document; the charts' endpoint above returns at most max_points per series.
         */
        get: operations["v1_runs_metrics_export_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/resume/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Puts a failed or cancelled run back in the queue; it continues from its last checkpoint. */
        post: operations["v1_runs_resume_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}/retry/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A new run with the same method, models, data and config; its parent is this run. */
        post: operations["v1_runs_retry_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/series/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Downsampled series of several runs and metrics in one request, for comparison charts. */
        get: operations["v1_series_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/share-links/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_share_links_list"];
        put?: never;
        post: operations["v1_share_links_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/share-links/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["v1_share_links_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/shared/{token}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description What a share link shows, without an account: its runs, their config diff, read-only. */
        get: operations["v1_shared_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/shared/{token}/series/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_shared_series_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sweeps/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_sweeps_list"];
        put?: never;
        post: operations["v1_sweeps_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sweeps/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_sweeps_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_templates_list"];
        put?: never;
        /** @description Save a run's settings as a template (the same fields as creating a run; models and datasets by id, kept by name so a later launch takes each dataset's newest version). */
        post: operations["templates_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["v1_templates_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/{id}/launch/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["v1_templates_launch_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_tokens_list"];
        put?: never;
        post: operations["v1_tokens_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["v1_tokens_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workers/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Workers up and seen in the last WORKERS_RECENT_HOURS hours (default 24), by hostname; ?all=1 adds stopped and silent ones (their rows are deleted after WORKERS_RETENTION_DAYS days, default 7). */
        get: operations["v1_workers_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_workspaces_list"];
        put?: never;
        post: operations["v1_workspaces_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_workspaces_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/audit/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["workspace_audit_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/deliveries/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_workspaces_deliveries_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/export/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description The workspace's finished runs (configs, statuses, summaries, full series) as one gzipped
         *     JSON Lines file, importable into another installation.
         */
        get: operations["v1_workspaces_export_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/import/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["v1_workspaces_import_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/invitations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The workspace's invitations not yet accepted, declined or revoked (expired ones too), newest first. Owners and admins only. */
        get: operations["v1_workspaces_invitations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/invitations/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** @description Revokes the invitation: its link stops working. */
        delete: operations["v1_workspaces_invitations_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/invitations/{id}/resend/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Sends the invitation again as a new one (new link, new expiry; the old link stops working). Counts against the invitation rate limits. */
        post: operations["v1_workspaces_invitations_resend_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/members/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Invites someone to the workspace (owners and admins): nobody is added until they accept. An address gets an e-mail with a link to accept (or to make an account with); an account sees the invitation in the UI (GET /invitations/). */
        post: operations["v1_workspaces_members_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/members/{username}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["v1_workspaces_members_destroy"];
        options?: never;
        head?: never;
        patch: operations["v1_workspaces_members_partial_update"];
        trace?: never;
    };
    "/api/v1/workspaces/{slug}/notifications/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["v1_workspaces_notifications_list"];
        put?: never;
        post: operations["v1_workspaces_notifications_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description * `checkpoint` - Checkpoint
         *     * `model` - Final model
         *     * `table` - Table
         *     * `samples` - Samples
         * @enum {string}
         */
        ArtifactKindEnum: "checkpoint" | "model" | "table" | "samples";
        ArtifactOutput: {
            id: number;
            kind: components["schemas"]["ArtifactKindEnum"];
            name: string;
            path: string;
            step: number | null;
            size_bytes: number;
            /** Format: date-time */
            created_at: string;
        };
        AuditEventOutput: {
            id: number;
            actor?: string | null;
            action: string;
            target_type: string;
            target_id: string;
            detail: unknown;
            /** Format: date-time */
            created_at: string;
        };
        AuditEventPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["AuditEventOutput"][];
        };
        /**
         * @description * `webhook` - Webhook
         *     * `email` - E-mail
         * @enum {string}
         */
        ChannelKindEnum: "webhook" | "email";
        /**
         * @description * `webhook` - webhook
         *     * `email` - email
         * @enum {string}
         */
        ChannelListApiInputKindEnum: "webhook" | "email";
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        ChannelListApiInputRequest: {
            kind: components["schemas"]["ChannelListApiInputKindEnum"];
            /** @description webhook: an http(s) URL whose host resolves to public addresses only (internal ones need the operator's WEBHOOK_ALLOWED_HOSTS); email: an address. */
            target: string;
            events: components["schemas"]["RunEventEnum"][];
        };
        ChannelOutput: {
            id: number;
            kind: components["schemas"]["ChannelKindEnum"];
            target: string;
            events: components["schemas"]["RunEventEnum"][];
            /** Format: date-time */
            created_at: string;
        };
        CompareOutput: {
            runs: components["schemas"]["RunOutput"][];
            config: components["schemas"]["ConfigDiffOutput"];
        };
        ConfigDiffOutput: {
            /** @description {path: {run id: value}} */
            values: {
                [key: string]: {
                    [key: string]: unknown;
                };
            };
            /** @description Paths whose values differ. */
            differing: string[];
        };
        DatasetDetailApiOutput: {
            id: number;
            workspace: string;
            name: string;
            version: number;
            kind: components["schemas"]["DatasetKindEnum"];
            format: string;
            sha256: string;
            row_count: number;
            size_bytes: number;
            /** Format: date-time */
            created_at: string;
            /** @description The first rows; a task sequence's tasks. */
            preview: unknown[];
            /** @description A task sequence's tasks in training order; [] for other kinds. */
            tasks: components["schemas"]["TaskOutput"][];
        };
        /**
         * @description * `text` - Text
         *     * `prompt-completion` - Prompt / completion
         *     * `chat` - Chat
         *     * `preference` - Preference
         *     * `classification` - Classification
         * @enum {string}
         */
        DatasetImportApiInputKindEnum: "text" | "prompt-completion" | "chat" | "preference" | "classification";
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        DatasetImportApiInputRequest: {
            workspace: string;
            name: string;
            kind: components["schemas"]["DatasetImportApiInputKindEnum"];
            /** @default  */
            hub_id?: string;
            /** @default  */
            path?: string;
            /** @default train */
            split?: string;
        };
        DatasetImportOutput: {
            id: number;
            workspace: string;
            name: string;
            kind: components["schemas"]["DatasetKindEnum"];
            hub_id: string;
            path: string;
            split: string;
            status: components["schemas"]["JobStatusEnum"];
            error_message: string;
            dataset: number | null;
            /** Format: date-time */
            created_at: string;
        };
        /**
         * @description * `text` - Text
         *     * `prompt-completion` - Prompt / completion
         *     * `chat` - Chat
         *     * `preference` - Preference
         *     * `classification` - Classification
         *     * `task-sequence` - Task sequence (continual learning)
         * @enum {string}
         */
        DatasetKindEnum: "text" | "prompt-completion" | "chat" | "preference" | "classification" | "task-sequence";
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        DatasetListApiInputRequest: {
            workspace: string;
            name: string;
            kind: components["schemas"]["DatasetKindEnum"];
            /**
             * Format: binary
             * @description JSON Lines, CSV with a header row, or Parquet (every kind but task-sequence).
             */
            file?: string;
            /**
             * @description Default: from the file name's extension, else jsonl.
             *
             *     * `jsonl` - jsonl
             *     * `csv` - csv
             *     * `parquet` - parquet
             */
            format?: components["schemas"]["FormatEnum"];
            /** @description (kind=task-sequence, JSON) two or more tasks in training order. */
            tasks?: components["schemas"]["TaskInputRequest"][];
        };
        DatasetOutput: {
            id: number;
            workspace: string;
            name: string;
            version: number;
            kind: components["schemas"]["DatasetKindEnum"];
            format: string;
            sha256: string;
            row_count: number;
            size_bytes: number;
            /** Format: date-time */
            created_at: string;
        };
        DatasetPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["DatasetOutput"][];
        };
        DatasetRunOutput: {
            id: number;
            name: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
            status: components["schemas"]["RunStatusEnum"];
            /** @description The roles the object played in the run. */
            roles: components["schemas"]["DatasetRunOutputRolesEnum"][];
            /** @description Null until the run logs a candidate metric. */
            key_metric: components["schemas"]["KeyMetricOutput"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            finished_at: string | null;
        };
        /**
         * @description * `train` - train
         *     * `validation` - validation
         *     * `replay` - replay
         * @enum {string}
         */
        DatasetRunOutputRolesEnum: "train" | "validation" | "replay";
        DatasetRunPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["DatasetRunOutput"][];
        };
        DeliveryOutput: {
            id: number;
            channel: number;
            run: number;
            event: components["schemas"]["RunEventEnum"];
            status: components["schemas"]["DeliveryStatusEnum"];
            attempts: number;
            response_code: number | null;
            last_error: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            delivered_at: string | null;
        };
        DeliveryPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["DeliveryOutput"][];
        };
        /**
         * @description * `pending` - Pending
         *     * `delivered` - Delivered
         *     * `failed` - Failed
         * @enum {string}
         */
        DeliveryStatusEnum: "pending" | "delivered" | "failed";
        ErrorOutput: {
            /** @description What was wrong, and what to do about it. */
            detail: string;
            /** @description For invalid input: each field's dotted path (`config.lr`, `file.row.3`) -> its messages. */
            errors?: {
                [key: string]: string[];
            };
        };
        /**
         * @description * `alignment` - alignment
         *     * `continual` - continual
         *     * `distillation` - distillation
         * @enum {string}
         */
        FamilyEnum: "alignment" | "continual" | "distillation";
        /**
         * @description * `jsonl` - jsonl
         *     * `csv` - csv
         *     * `parquet` - parquet
         * @enum {string}
         */
        FormatEnum: "jsonl" | "csv" | "parquet";
        /**
         * @description * `min` - min
         *     * `max` - max
         * @enum {string}
         */
        GoalEnum: "min" | "max";
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        HistoryImportApiInputRequest: {
            /**
             * Format: binary
             * @description A file made by GET /workspaces/{slug}/export/.
             */
            file: string;
        };
        HistoryImportApiOutput: {
            runs: number;
            models: number;
            datasets: number;
            points: number;
        };
        InputNamesOutput: {
            /** @description {model id: name} of the runs' models. */
            models: {
                [key: string]: string;
            };
            /** @description {dataset id: name} of the runs' datasets. */
            datasets: {
                [key: string]: string;
            };
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        InvitationAcceptApiInputRequest: {
            username?: string;
            password?: string;
        };
        InvitationAcceptedOutput: {
            /** @description The workspace joined. */
            workspace: string;
            username: string;
            role: components["schemas"]["RoleEnum"];
        };
        InvitationOutput: {
            id: number;
            /** @description The invited address; empty for an account invited by username that has none. */
            email: string;
            /** @description The invited account, when invited by username. */
            username?: string | null;
            role: components["schemas"]["RoleEnum"];
            invited_by?: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string;
            readonly expired: boolean;
        };
        /**
         * @description * `queued` - Queued
         *     * `running` - Running
         *     * `done` - Done
         *     * `failed` - Failed
         * @enum {string}
         */
        JobStatusEnum: "queued" | "running" | "done" | "failed";
        KeyMetricOutput: {
            /** @description The metric the run's early stopping watches (eval/loss by default), or the first of eval/loss, eval/reward_mean, eval/accuracy, train/loss it logged. */
            name: string;
            /**
             * Format: double
             * @description Its last logged value.
             */
            value: number;
            step: number;
            higher_is_better: boolean;
        };
        LineageAncestorOutput: {
            run: components["schemas"]["LineageRunOutput"];
            teacher: components["schemas"]["LineageModelOutput"] | null;
            /** @description The student the run started from. */
            initial: components["schemas"]["LineageModelOutput"];
            reference: components["schemas"]["LineageModelOutput"] | null;
        };
        LineageDescendantOutput: {
            role: components["schemas"]["LineageRoleEnum"];
            model: components["schemas"]["LineageModelOutput"];
            run: components["schemas"]["LineageRunOutput"];
            /** @description The model of this lineage (or of an earlier descendant) the run used. */
            from: number;
        };
        LineageModelOutput: {
            id: number;
            name: string;
            source: components["schemas"]["ModelSourceEnum"];
            architecture: string;
            parameter_count: number | null;
        };
        LineageOutput: {
            model: components["schemas"]["LineageModelOutput"];
            ancestors: components["schemas"]["LineageAncestorOutput"][];
            descendants: components["schemas"]["LineageDescendantOutput"][];
            ingredients: components["schemas"]["LineageModelOutput"][];
            soups: components["schemas"]["LineageModelOutput"][];
        };
        /**
         * @description * `teacher` - teacher
         *     * `student` - student
         *     * `reference` - reference
         * @enum {string}
         */
        LineageRoleEnum: "teacher" | "student" | "reference";
        LineageRunOutput: {
            id: number;
            name: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
        };
        LogLineOutput: {
            seq: number;
            /** Format: double */
            time: number;
            level: string;
            message: string;
        };
        LogPageOutput: {
            results: components["schemas"]["LogLineOutput"][];
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        LoginApiInputRequest: {
            username: string;
            password: string;
        };
        MemberOutput: {
            username: string;
            role: components["schemas"]["RoleEnum"];
        };
        MethodOutput: {
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            name: string;
            family: components["schemas"]["FamilyEnum"];
            description: string;
            paper: components["schemas"]["PaperOutput"];
            requires: components["schemas"]["MethodRequiresOutput"];
            /** @description JSON Schema of the method's config. */
            schema: {
                [key: string]: unknown;
            };
        };
        MethodRequiresOutput: {
            /** @description A run needs a teacher model (and refuses one otherwise). */
            teacher: boolean;
            /** @description The method uses a frozen reference model; optional in a run (default: the student as it starts), refused otherwise. */
            reference: boolean;
            /** @description Dataset kinds it trains on. */
            dataset_kinds: components["schemas"]["DatasetKindEnum"][];
            /** @description Continual learning: trains on a task-sequence dataset, with an optional replay dataset and no validation dataset. */
            tasks: boolean;
            /** @description With a teacher: teacher and student must share token ids (false for methods that pass only text between them, such as sequence-level KD). */
            shared_vocabulary?: boolean;
            /** @description The method can train on several GPUs at once (data parallel, one process per GPU); false: a run asks for at most one GPU. */
            data_parallel?: boolean;
        };
        MetricSummaryOutput: {
            /** Format: double */
            last: number;
            last_step: number;
            /** Format: double */
            min: number;
            min_step: number;
            /** Format: double */
            max: number;
            max_step: number;
            count: number;
        };
        MetricsExportOutput: {
            run: number;
            /** @description Always ["name", "step", "value", "wall"]. */
            columns: string[];
            /** @description One [name, step, value, wall] per point, ordered by name then step. */
            points: unknown[][];
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        ModelListApiInputRequest: {
            workspace: string;
            name: string;
            source: components["schemas"]["SourceEnum"];
            /**
             * Format: binary
             * @description (source=upload) .zip/.tar/.tar.gz of a model directory
             */
            file?: string;
            /** @description transformers config dict (source=config) */
            config?: unknown;
            /**
             * @description Required with source=config.
             * @default
             */
            tokenizer_path?: string;
            /** @description Server-local model directory (source=path) */
            path?: string;
            /** @description A succeeded run whose final model to register (source=run) */
            run?: number;
            /** @description (source=run) one of the run's checkpoints to register instead of its final model; any run that saved one, finished or not. */
            artifact?: number;
            /** @description (source=hub) a Hugging Face hub id ('org/name') already in the server's local Hugging Face cache (HF_HOME); the server never downloads. */
            hub_id?: string;
            /** @description (source=soup) ids of 2 or more models of the workspace with weights, one architecture and vocabulary; the soup is their uniform weight average, computed when a run loads it. */
            ingredients?: number[];
        };
        ModelOutput: {
            id: number;
            workspace: string;
            name: string;
            source: components["schemas"]["ModelSourceEnum"];
            path: string;
            /** @description (source=config) the transformers config dict. */
            config: {
                [key: string]: unknown;
            } | null;
            tokenizer_path: string;
            /** @description (source=hub) the Hugging Face hub id runs load from the local cache. */
            hub_id: string;
            architecture: string;
            parameter_count: number | null;
            vocab_size: number | null;
            dtype: string;
            has_tokenizer: boolean | null;
            /**
             * Format: date-time
             * @description Null until a worker has inspected it.
             */
            inspected_at: string | null;
            inspection_error: string;
            produced_by_run: number | null;
            /** @description A soup's ingredient model ids, in order; [] otherwise. */
            readonly ingredients: number[];
            /** @description Ids of the soups this model is an ingredient of. */
            readonly soups: number[];
            /** Format: date-time */
            created_at: string;
        };
        ModelPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["ModelOutput"][];
        };
        ModelRunOutput: {
            id: number;
            name: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
            status: components["schemas"]["RunStatusEnum"];
            /** @description The roles the object played in the run. */
            roles: components["schemas"]["ModelRunOutputRolesEnum"][];
            /** @description Null until the run logs a candidate metric. */
            key_metric: components["schemas"]["KeyMetricOutput"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            finished_at: string | null;
        };
        /**
         * @description * `student` - student
         *     * `teacher` - teacher
         *     * `reference` - reference
         * @enum {string}
         */
        ModelRunOutputRolesEnum: "student" | "teacher" | "reference";
        ModelRunPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["ModelRunOutput"][];
        };
        /**
         * @description * `config` - Built from a config
         *     * `path` - Server-local directory
         *     * `upload` - Uploaded
         *     * `run` - Produced by a run
         *     * `imported` - Imported history (no weights)
         *     * `soup` - Model soup (uniform weight average of registered models)
         *     * `hub` - Hugging Face hub id (read from the server's local cache)
         * @enum {string}
         */
        ModelSourceEnum: "config" | "path" | "upload" | "run" | "imported" | "soup" | "hub";
        MultiSeriesOutput: {
            series: components["schemas"]["RunSeriesOutput"][];
            /** @description The step range the series cover (both null: the whole series). */
            range: components["schemas"]["StepRangeOutput"];
        };
        MyInvitationOutput: {
            /** @description Accept or decline with it (it is also in the invitation's e-mail link). */
            token: string;
            workspace: string;
            workspace_name: string;
            role: components["schemas"]["RoleEnum"];
            invited_by?: string | null;
            /** Format: date-time */
            expires_at: string;
        };
        PaperOutput: {
            title: string;
            url: string;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        PatchedRunDetailApiInputRequest: {
            name?: string;
            notes?: string;
            tags?: string[];
            starred?: boolean;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        PatchedWorkspaceMemberDetailApiInputRequest: {
            role?: components["schemas"]["RoleEnum"];
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        PlaygroundListApiInputRequest: {
            workspace: string;
            models: number[];
            prompts: string[];
            /** @default 64 */
            max_new_tokens?: number;
            /**
             * Format: double
             * @default 0
             */
            temperature?: number;
            /**
             * Format: double
             * @default 1
             */
            top_p?: number;
            /** @default 0 */
            seed?: number;
        };
        PlaygroundModelRow: {
            id: number;
            name: string;
        };
        PlaygroundOutput: {
            id: number;
            workspace: string;
            status: components["schemas"]["JobStatusEnum"];
            error_message: string;
            prompts: string[];
            sampling: components["schemas"]["SamplingOutput"];
            models: components["schemas"]["PlaygroundModelRow"][];
            outputs: components["schemas"]["PlaygroundOutputRow"][];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            finished_at: string | null;
        };
        PlaygroundOutputRow: {
            model: number;
            prompt_index: number;
            text: string;
            tokens: number;
            /** Format: double */
            tokens_per_s: number | null;
            done: boolean;
            error: string;
        };
        PlaygroundStreamEvent: {
            event: components["schemas"]["PlaygroundStreamEventEventEnum"];
            /** @description The message's payload as JSON: session (the whole session, first), outputs {outputs: [cells]}, status {id, status, error_message, finished_at}. */
            data: string;
            /** @description The stream position: a client that reconnects sends it back as Last-Event-ID. */
            id?: string;
            /** @description Milliseconds to wait before reconnecting. */
            retry?: number;
        };
        /**
         * @description * `session` - session
         *     * `outputs` - outputs
         *     * `status` - status
         * @enum {string}
         */
        PlaygroundStreamEventEventEnum: "session" | "outputs" | "status";
        /**
         * @description * `owner` - Owner
         *     * `admin` - Admin
         *     * `member` - Member
         *     * `viewer` - Viewer
         * @enum {string}
         */
        RoleEnum: "owner" | "admin" | "member" | "viewer";
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        RunCloneApiInputRequest: {
            name?: string;
            config?: {
                [key: string]: unknown;
            };
            seed?: number;
            resources?: {
                [key: string]: unknown;
            };
            tags?: string[];
            notes?: string;
            student?: number;
            teacher?: number | null;
            /** @description Null: the student as it starts. */
            reference?: number | null;
            train_dataset?: number;
            validation_dataset?: number | null;
            replay_dataset?: number | null;
        };
        /**
         * @description * `run.succeeded` - run.succeeded
         *     * `run.failed` - run.failed
         *     * `run.cancelled` - run.cancelled
         *     * `run.lost` - run.lost
         * @enum {string}
         */
        RunEventEnum: "run.succeeded" | "run.failed" | "run.cancelled" | "run.lost";
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        RunListApiInputRequest: {
            workspace: string;
            /** @default  */
            name?: string;
            method: string;
            config?: {
                [key: string]: unknown;
            };
            student: number;
            teacher?: number | null;
            /** @description Methods whose requires.reference is true: the frozen reference model (a registered model or soup). Null or absent: a frozen copy of the student as it starts (the initial policy). */
            reference?: number | null;
            /** @description Continual-learning methods (requires.tasks): a task-sequence dataset. */
            train_dataset: number;
            /** @description Must be empty for continual-learning methods (each task carries its own). */
            validation_dataset?: number | null;
            /** @description Continual-learning methods only: a text dataset replayed alongside every task. */
            replay_dataset?: number | null;
            /** @default 0 */
            seed?: number;
            resources?: {
                [key: string]: unknown;
            };
            tags?: string[];
            /** @default  */
            notes?: string;
        };
        RunNodeOutput: {
            node_rank: number;
            worker: string;
            address: string;
            status: components["schemas"]["RunNodeStatusEnum"];
            exit_code: number | null;
            /** Format: date-time */
            heartbeat_at: string | null;
        };
        /**
         * @description * `waiting` - Waiting for the other nodes
         *     * `running` - Running
         *     * `leaving` - Leaving (its worker is shutting down)
         *     * `exited` - Exited
         * @enum {string}
         */
        RunNodeStatusEnum: "waiting" | "running" | "leaving" | "exited";
        RunOutput: {
            id: number;
            workspace: string;
            name: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
            status: components["schemas"]["RunStatusEnum"];
            /** @description The method's config, as validated (defaults filled in). */
            config: {
                [key: string]: unknown;
            };
            student: number;
            teacher: number | null;
            /** @description The frozen reference model; null: the student as it starts. */
            reference: number | null;
            train_dataset: number;
            validation_dataset: number | null;
            /** @description Continual learning: text replayed alongside every task. */
            replay_dataset: number | null;
            seed: number;
            /** @description gpus: GPUs per host (0: CPU); nodes: hosts (default 1). */
            resources: {
                gpus?: number;
                nodes?: number;
            } & {
                [key: string]: unknown;
            };
            tags: string[];
            notes: string;
            starred: boolean;
            creator?: string | null;
            parent: number | null;
            sweep: number | null;
            worker: string;
            attempt: number;
            error_message: string;
            register_model_as: string;
            readonly progress: components["schemas"]["RunProgressOutput"];
            /** @description A run over several hosts: the nodes of its current attempt (rank, worker, address, status, exit code, last heartbeat); empty for a run on one host. */
            readonly nodes: components["schemas"]["RunNodeOutput"][];
            /** @description Per metric: last, min, max, count. */
            readonly summaries: {
                [key: string]: components["schemas"]["MetricSummaryOutput"];
            };
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            queued_at: string | null;
            /** Format: date-time */
            started_at: string | null;
            /** Format: date-time */
            finished_at: string | null;
        };
        RunPage: {
            count: number;
            /** Format: uri */
            next: string | null;
            /** Format: uri */
            previous: string | null;
            results: components["schemas"]["RunOutput"][];
        };
        RunProgressOutput: {
            step: number;
            total: number;
            /** Format: double */
            eta_s: number | null;
            /** Format: double */
            tokens_per_s: number | null;
        };
        RunSeriesOutput: {
            name: string;
            steps: number[];
            values: number[];
            walls: number[];
            mins: number[];
            maxs: number[];
            downsampled: boolean;
            run: number;
        };
        /**
         * @description * `queued` - Queued
         *     * `running` - Running
         *     * `succeeded` - Succeeded
         *     * `failed` - Failed
         *     * `cancelled` - Cancelled
         * @enum {string}
         */
        RunStatusEnum: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        RunStreamEvent: {
            event: components["schemas"]["RunStreamEventEventEnum"];
            /** @description The message's payload as JSON: metrics {points: [{name, step, value, wall}]}, log {lines: [{seq, time, level, message}]}, status (the run). */
            data: string;
            /** @description The stream position: a client that reconnects sends it back as Last-Event-ID. */
            id?: string;
            /** @description Milliseconds to wait before reconnecting. */
            retry?: number;
        };
        /**
         * @description * `metrics` - metrics
         *     * `log` - log
         *     * `status` - status
         * @enum {string}
         */
        RunStreamEventEventEnum: "metrics" | "log" | "status";
        SamplingOutput: {
            max_new_tokens: number;
            /** Format: double */
            temperature: number;
            /** Format: double */
            top_p: number;
            seed: number;
        };
        SeriesOutput: {
            name: string;
            steps: number[];
            values: number[];
            walls: number[];
            mins: number[];
            maxs: number[];
            downsampled: boolean;
        };
        SeriesPageOutput: {
            series: components["schemas"]["SeriesOutput"][];
            /** @description The step range the series cover (both null: the whole series). */
            range: components["schemas"]["StepRangeOutput"];
            /** @description Open /events/?cursor=... to continue live from this snapshot. */
            cursor: string;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        ShareLinkListApiInputRequest: {
            workspace: string;
            runs: number[];
            /** @default  */
            title?: string;
        };
        ShareLinkOutput: {
            id: number;
            workspace: string;
            token: string;
            readonly url: string;
            title: string;
            readonly runs: number[];
            created_by?: string | null;
            /** Format: date-time */
            created_at: string;
        };
        SharedOutput: {
            runs: components["schemas"]["RunOutput"][];
            config: components["schemas"]["ConfigDiffOutput"];
            /** @description Names of the models and datasets the config diff gives by id. */
            inputs: components["schemas"]["InputNamesOutput"];
            title: string;
            workspace: string;
            /** Format: date-time */
            created_at: string;
        };
        /**
         * @description * `config` - config
         *     * `path` - path
         *     * `run` - run
         *     * `upload` - upload
         *     * `soup` - soup
         *     * `hub` - hub
         * @enum {string}
         */
        SourceEnum: "config" | "path" | "run" | "upload" | "soup" | "hub";
        StepRangeOutput: {
            /** @description The first step asked for (null: from the start). */
            step_min: number | null;
            /** @description The last step asked for (null: to the end). */
            step_max: number | null;
        };
        /**
         * @description * `grid` - grid
         *     * `random` - random
         * @enum {string}
         */
        StrategyEnum: "grid" | "random";
        SweepBestOutput: {
            run: number;
            /** Format: double */
            value: number;
        };
        SweepDetailOutput: {
            id: number;
            workspace: string;
            name: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
            strategy: components["schemas"]["StrategyEnum"];
            /** @description {path: values} (grid) or {path: values or {min, max[, log]}} (random). */
            parameters: {
                [key: string]: unknown;
            };
            metric: string;
            goal: components["schemas"]["GoalEnum"];
            creator?: string | null;
            /** Format: date-time */
            created_at: string;
            runs: components["schemas"]["RunOutput"][];
            best: components["schemas"]["SweepBestOutput"] | null;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        SweepListApiInputRequest: {
            workspace: string;
            /** @default  */
            name?: string;
            method: string;
            config?: {
                [key: string]: unknown;
            };
            student: number;
            teacher?: number | null;
            /** @description Methods whose requires.reference is true: the frozen reference model (a registered model or soup). Null or absent: a frozen copy of the student as it starts (the initial policy). */
            reference?: number | null;
            /** @description Continual-learning methods (requires.tasks): a task-sequence dataset. */
            train_dataset: number;
            /** @description Must be empty for continual-learning methods (each task carries its own). */
            validation_dataset?: number | null;
            /** @description Continual-learning methods only: a text dataset replayed alongside every task. */
            replay_dataset?: number | null;
            /** @default 0 */
            seed?: number;
            resources?: {
                [key: string]: unknown;
            };
            tags?: string[];
            /** @default  */
            notes?: string;
            /** @description {"config.training.learning_rate": [1e-3, 3e-3]} (grid) or {"config.alpha": {"min": 0, "max": 1}} (random) */
            parameters: {
                [key: string]: unknown;
            };
            strategy: components["schemas"]["StrategyEnum"];
            /**
             * @description Runs to sample (random).
             * @default 0
             */
            count?: number;
            /** @default eval/loss */
            metric?: string;
            /** @default min */
            goal?: components["schemas"]["GoalEnum"];
        };
        SweepOutput: {
            id: number;
            workspace: string;
            name: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
            strategy: components["schemas"]["StrategyEnum"];
            /** @description {path: values} (grid) or {path: values or {min, max[, log]}} (random). */
            parameters: {
                [key: string]: unknown;
            };
            metric: string;
            goal: components["schemas"]["GoalEnum"];
            creator?: string | null;
            /** Format: date-time */
            created_at: string;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        TaskInputRequest: {
            /** @description Unique within the sequence. */
            name: string;
            /** @description A text, prompt-completion or chat dataset of the workspace. */
            train_dataset: number;
            /** @description The task's held-out data, of the same kind. */
            validation_dataset: number;
        };
        TaskMemberOutput: {
            id: number;
            name: string;
            version: number;
            kind: components["schemas"]["DatasetKindEnum"];
            row_count: number;
        };
        TaskOutput: {
            name: string;
            train_dataset: components["schemas"]["TaskMemberOutput"];
            validation_dataset: components["schemas"]["TaskMemberOutput"];
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        TemplateListApiInputRequest: {
            workspace: string;
            name: string;
            /** @default  */
            description?: string;
            method: string;
            config?: {
                [key: string]: unknown;
            };
            student: number;
            teacher?: number | null;
            reference?: number | null;
            train_dataset: number;
            validation_dataset?: number | null;
            replay_dataset?: number | null;
            /** @default 0 */
            seed?: number;
            /** @default  */
            register_model_as?: string;
        };
        TemplateOutput: {
            id: number;
            workspace: string;
            name: string;
            description: string;
            /** @description A registered method's name (GET /api/v1/methods/ lists them). */
            method: string;
            config: {
                [key: string]: unknown;
            };
            student: string;
            teacher: string;
            /** @description Model name; empty: the student as it starts. */
            reference: string;
            train_dataset: string;
            validation_dataset: string;
            replay_dataset: string;
            seed: number;
            register_model_as: string;
        };
        TokenHistogramBinOutput: {
            /** @description Sequences of at most this many tokens (and more than the bin before). */
            up_to: number;
            count: number;
        };
        TokenListApiCreatedOutput: {
            id: number;
            name: string;
            prefix: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            expires_at: string | null;
            /** @description The only workspaces the token sees; empty: all of yours. */
            readonly workspaces: string[];
            /** @description The token itself: shown only in this response. */
            token: string;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        TokenListApiInputRequest: {
            name: string;
            expires_in_days?: number | null;
            /** @description Limit the token to these workspace slugs. */
            workspaces?: string[];
        };
        TokenOutput: {
            id: number;
            name: string;
            prefix: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            expires_at: string | null;
            /** @description The only workspaces the token sees; empty: all of yours. */
            readonly workspaces: string[];
        };
        TokenStatsOutput: {
            /** @description The model whose tokenizer counted. */
            tokenizer: string;
            rows: number;
            /** @description Only the first rows were read. */
            sampled: boolean;
            sequences: number;
            tokens: number;
            /** Format: double */
            mean: number;
            p50: number;
            p90: number;
            p99: number;
            max: number;
            histogram: components["schemas"]["TokenHistogramBinOutput"][];
        };
        UserOutput: {
            id: number;
            username: string;
            email: string;
        };
        WorkerOutput: {
            hostname: string;
            /** @description cpu, gpu and/or light. */
            queues: string[];
            gpus: {
                index: number;
                name: string;
                memory_mb: number;
            }[];
            /** @description The run it is busy with; null when idle, or when the run is in a workspace you are not a member of. */
            current_run: number | null;
            /** @description Whether it is running a run, whoever's it is. */
            readonly busy: boolean;
            /** Format: date-time */
            last_heartbeat: string;
            /** Format: date-time */
            stopped_at: string | null;
            /** @description No heartbeat for RUN_HEARTBEAT_TIMEOUT_S seconds. */
            readonly stale: boolean;
        };
        WorkspaceDetailApiOutput: {
            id: number;
            name: string;
            slug: string;
            /**
             * @description Your role in the workspace.
             *
             *     * `owner` - Owner
             *     * `admin` - Admin
             *     * `member` - Member
             *     * `viewer` - Viewer
             */
            role: components["schemas"]["RoleEnum"];
            members: components["schemas"]["MemberOutput"][];
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        WorkspaceListApiInputRequest: {
            name: string;
            /** @default  */
            slug?: string;
        };
        /** @description An input serializer that rejects unknown fields instead of silently dropping them. */
        WorkspaceMembersApiInputRequest: {
            /** @description Invite an existing user by username... */
            username?: string;
            /**
             * Format: email
             * @description ...or anyone by e-mail address.
             */
            email?: string;
            role: components["schemas"]["RoleEnum"];
        };
        WorkspaceOutput: {
            id: number;
            name: string;
            slug: string;
            /**
             * @description Your role in the workspace.
             *
             *     * `owner` - Owner
             *     * `admin` - Admin
             *     * `member` - Member
             *     * `viewer` - Viewer
             */
            role: components["schemas"]["RoleEnum"];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    v1_auth_login_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["LoginApiInputRequest"];
                "multipart/form-data": components["schemas"]["LoginApiInputRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Sign-in refused: the csrftoken cookie and the same value in the X-CSRFToken header are missing or differ (GET /api/v1/auth/me/ sets the cookie). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too many attempts: wait the seconds in the Retry-After header, then try again. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_auth_logout_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_auth_me_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_compare_retrieve: {
        parameters: {
            query: {
                runs: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompareOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_dataset_imports_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetImportOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    datasets_list: {
        parameters: {
            query?: {
                page?: number;
                /** @description At most 500. */
                page_size?: number;
                /** @description Workspace slug to list from. */
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_datasets_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["DatasetListApiInputRequest"];
                "application/json": components["schemas"]["DatasetListApiInputRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetOutput"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_datasets_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetDetailApiOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_datasets_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    datasets_runs_list: {
        parameters: {
            query?: {
                page?: number;
                /** @description At most 500. */
                page_size?: number;
                /** @description Only the runs that used it in this role. */
                role?: "replay" | "train" | "validation";
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetRunPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_datasets_token_stats_retrieve: {
        parameters: {
            query: {
                /** @description Whose tokenizer to use. */
                model: number;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenStatsOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_datasets_import_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatasetImportApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["DatasetImportApiInputRequest"];
                "multipart/form-data": components["schemas"]["DatasetImportApiInputRequest"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetImportOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_invitations_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MyInvitationOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_invitations_accept_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["InvitationAcceptApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["InvitationAcceptApiInputRequest"];
                "multipart/form-data": components["schemas"]["InvitationAcceptApiInputRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationAcceptedOutput"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationAcceptedOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_invitations_decline_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_methods_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MethodOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_methods_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MethodOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    models_list: {
        parameters: {
            query?: {
                page?: number;
                /** @description At most 500. */
                page_size?: number;
                /** @description Workspace slug to list from. */
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_models_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ModelListApiInputRequest"];
                "multipart/form-data": components["schemas"]["ModelListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_models_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_models_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_models_lineage_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LineageOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    models_runs_list: {
        parameters: {
            query?: {
                page?: number;
                /** @description At most 500. */
                page_size?: number;
                /** @description Only the runs that used it in this role. */
                role?: "reference" | "student" | "teacher";
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelRunPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_notifications_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_playground_list: {
        parameters: {
            query?: {
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlaygroundOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_playground_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlaygroundListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["PlaygroundListApiInputRequest"];
                "multipart/form-data": components["schemas"]["PlaygroundListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlaygroundOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_playground_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlaygroundOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_playground_events_retrieve: {
        parameters: {
            query?: {
                format?: "json" | "sse";
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["PlaygroundStreamEvent"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    runs_list: {
        parameters: {
            query?: {
                /** @description Config filter, e.g. training.seed=1 (repeatable). */
                config?: string[];
                created_after?: string;
                created_before?: string;
                creator?: string;
                /** @description A dataset in any role: training, validation or replay. */
                dataset?: number;
                method?: string;
                /** @description Summary filter, e.g. eval/loss.min<2.1 (repeatable). */
                metric?: string[];
                /** @description A model in any role: student, teacher or reference. */
                model?: number;
                /** @description created_at, finished_at, name, status or metric:NAME:STAT; '-' descends. */
                ordering?: string;
                page?: number;
                /** @description At most 500. */
                page_size?: number;
                /** @description Name contains. */
                q?: string;
                reference?: number;
                replay_dataset?: number;
                starred?: boolean;
                /** @description Comma-separated statuses. */
                status?: string;
                student?: number;
                sweep?: number;
                tag?: string;
                teacher?: number;
                train_dataset?: number;
                validation_dataset?: number;
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["RunListApiInputRequest"];
                "multipart/form-data": components["schemas"]["RunListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedRunDetailApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["PatchedRunDetailApiInputRequest"];
                "multipart/form-data": components["schemas"]["PatchedRunDetailApiInputRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_artifacts_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_artifacts_content_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                artifact_id: number;
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_artifacts_download_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                artifact_id: number;
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_cancel_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_clone_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RunCloneApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["RunCloneApiInputRequest"];
                "multipart/form-data": components["schemas"]["RunCloneApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_events_retrieve: {
        parameters: {
            query?: {
                /** @description Continue after this position (the `cursor` of a /metrics/ answer); the Last-Event-ID header takes precedence. */
                cursor?: string;
                format?: "json" | "sse";
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["RunStreamEvent"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                    "text/event-stream": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_logs_retrieve: {
        parameters: {
            query?: {
                /** @description Lines after this sequence number (paged). */
                after?: number;
                /** @description Only the last N lines (at most 5000). */
                tail?: number;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogPageOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_metrics_retrieve: {
        parameters: {
            query?: {
                /** @description At most this many points per series (default 1000). */
                max_points?: number;
                /** @description Comma-separated metric names (default: all). */
                names?: string;
                /** @description Only points at this step or earlier (inclusive); step_min <= step_max. */
                step_max?: number;
                /** @description Only points at this step or later (inclusive); the range is downsampled on its own, to at most max_points points, its first and last points exact. */
                step_min?: number;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeriesPageOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_metrics_export_retrieve: {
        parameters: {
            query?: {
                /** @description csv (default) or json. */
                as?: "csv" | "json";
                /** @description Comma-separated metric names (default: all). */
                names?: string;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A header row `run,name,step,value,wall`, then one row per point; values as Python reprs, so they read back exactly. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                    "application/json": components["schemas"]["MetricsExportOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_resume_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_runs_retry_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_series_retrieve: {
        parameters: {
            query: {
                /** @description At most this many points per series. */
                max_points?: number;
                /** @description Comma-separated metric names (default: all). */
                names?: string;
                runs: string;
                /** @description Only points at this step or earlier (inclusive); step_min <= step_max. */
                step_max?: number;
                /** @description Only points at this step or later (inclusive); the range is downsampled on its own, to at most max_points points, its first and last points exact. */
                step_min?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MultiSeriesOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_share_links_list: {
        parameters: {
            query?: {
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShareLinkOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_share_links_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShareLinkListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["ShareLinkListApiInputRequest"];
                "multipart/form-data": components["schemas"]["ShareLinkListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShareLinkOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_share_links_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_shared_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SharedOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_shared_series_retrieve: {
        parameters: {
            query?: {
                /** @description At most this many points per series. */
                max_points?: number;
                /** @description Comma-separated metric names (default: all). */
                names?: string;
                /** @description Only points at this step or earlier (inclusive); step_min <= step_max. */
                step_max?: number;
                /** @description Only points at this step or later (inclusive); the range is downsampled on its own, to at most max_points points, its first and last points exact. */
                step_min?: number;
            };
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MultiSeriesOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_sweeps_list: {
        parameters: {
            query?: {
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_sweeps_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SweepListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["SweepListApiInputRequest"];
                "multipart/form-data": components["schemas"]["SweepListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepDetailOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_sweeps_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepDetailOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_templates_list: {
        parameters: {
            query?: {
                workspace?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    templates_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TemplateListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["TemplateListApiInputRequest"];
                "multipart/form-data": components["schemas"]["TemplateListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_templates_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_templates_launch_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_tokens_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_tokens_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["TokenListApiInputRequest"];
                "multipart/form-data": components["schemas"]["TokenListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenListApiCreatedOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_tokens_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workers_list: {
        parameters: {
            query?: {
                /** @description 1: every worker the server still knows (stopped ones and silent ones included); by default only workers up and seen in the last WORKERS_RECENT_HOURS hours. */
                all?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkspaceListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["WorkspaceListApiInputRequest"];
                "multipart/form-data": components["schemas"]["WorkspaceListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceDetailApiOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    workspace_audit_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_deliveries_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPage"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_export_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": string;
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_import_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["HistoryImportApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryImportApiOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_invitations_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_invitations_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_invitations_resend_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too many attempts: wait the seconds in the Retry-After header, then try again. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_members_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkspaceMembersApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["WorkspaceMembersApiInputRequest"];
                "multipart/form-data": components["schemas"]["WorkspaceMembersApiInputRequest"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too many attempts: wait the seconds in the Retry-After header, then try again. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_members_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_members_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
                username: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedWorkspaceMemberDetailApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["PatchedWorkspaceMemberDetailApiInputRequest"];
                "multipart/form-data": components["schemas"]["PatchedWorkspaceMemberDetailApiInputRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_notifications_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelOutput"][];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    v1_workspaces_notifications_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChannelListApiInputRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["ChannelListApiInputRequest"];
                "multipart/form-data": components["schemas"]["ChannelListApiInputRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelOutput"];
                };
            };
            /** @description Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not signed in: log in, or send `Authorization: Token <your API token>`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser session sent no CSRF token. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Not found: it does not exist, or you are not a member of its workspace. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Conflict with the current state: a name already taken, a run in a state that does not allow it, something else still using it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
}
