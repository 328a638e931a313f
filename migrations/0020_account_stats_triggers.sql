-- Each account's counts, kept in the transaction of the change (src/db/schema.ts, accountStats).
-- A post counts when it is not a boost and not held; a follow counts once accepted.
CREATE TRIGGER `account_stats_status_added` AFTER INSERT ON `statuses`
WHEN NEW.kind != 'boost' AND NEW.held = 0
BEGIN
  INSERT INTO `account_stats` (`account_id`, `statuses`, `last_status_at`) VALUES (NEW.account_id, 1, NEW.created_at)
  ON CONFLICT (`account_id`) DO UPDATE SET `statuses` = `statuses` + 1,
    `last_status_at` = max(coalesce(`last_status_at`, 0), excluded.`last_status_at`);
END;
--> statement-breakpoint
-- The last post's time is looked up again only when the post removed was the last.
CREATE TRIGGER `account_stats_status_removed` AFTER DELETE ON `statuses`
WHEN OLD.kind != 'boost' AND OLD.held = 0
BEGIN
  UPDATE `account_stats` SET `statuses` = `statuses` - 1,
    `last_status_at` = CASE WHEN OLD.created_at >= coalesce(`last_status_at`, 0)
      THEN (SELECT max(created_at) FROM statuses WHERE account_id = OLD.account_id AND kind != 'boost' AND held = 0)
      ELSE `last_status_at` END
  WHERE `account_id` = OLD.account_id;
END;
--> statement-breakpoint
-- A post held or released, or otherwise changed in what counts: out as it was, in as it is.
CREATE TRIGGER `account_stats_status_changed_out` AFTER UPDATE OF `held`, `kind`, `account_id`, `created_at` ON `statuses`
WHEN OLD.kind != 'boost' AND OLD.held = 0 AND (OLD.held IS NOT NEW.held OR OLD.kind IS NOT NEW.kind OR OLD.account_id IS NOT NEW.account_id OR OLD.created_at IS NOT NEW.created_at)
BEGIN
  UPDATE `account_stats` SET `statuses` = `statuses` - 1,
    `last_status_at` = (SELECT max(created_at) FROM statuses WHERE account_id = OLD.account_id AND kind != 'boost' AND held = 0)
  WHERE `account_id` = OLD.account_id;
END;
--> statement-breakpoint
CREATE TRIGGER `account_stats_status_changed_in` AFTER UPDATE OF `held`, `kind`, `account_id`, `created_at` ON `statuses`
WHEN NEW.kind != 'boost' AND NEW.held = 0 AND (OLD.held IS NOT NEW.held OR OLD.kind IS NOT NEW.kind OR OLD.account_id IS NOT NEW.account_id OR OLD.created_at IS NOT NEW.created_at)
BEGIN
  INSERT INTO `account_stats` (`account_id`, `statuses`, `last_status_at`) VALUES (NEW.account_id, 1, NEW.created_at)
  ON CONFLICT (`account_id`) DO UPDATE SET `statuses` = `statuses` + 1,
    `last_status_at` = max(coalesce(`last_status_at`, 0), excluded.`last_status_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `account_stats_follow_added` AFTER INSERT ON `follows`
WHEN NEW.state = 'accepted'
BEGIN
  INSERT INTO `account_stats` (`account_id`, `followers`) VALUES (NEW.following_id, 1)
  ON CONFLICT (`account_id`) DO UPDATE SET `followers` = `followers` + 1;
  INSERT INTO `account_stats` (`account_id`, `following`) VALUES (NEW.follower_id, 1)
  ON CONFLICT (`account_id`) DO UPDATE SET `following` = `following` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `account_stats_follow_removed` AFTER DELETE ON `follows`
WHEN OLD.state = 'accepted'
BEGIN
  UPDATE `account_stats` SET `followers` = `followers` - 1 WHERE `account_id` = OLD.following_id;
  UPDATE `account_stats` SET `following` = `following` - 1 WHERE `account_id` = OLD.follower_id;
END;
--> statement-breakpoint
CREATE TRIGGER `account_stats_follow_changed_out` AFTER UPDATE OF `state`, `follower_id`, `following_id` ON `follows`
WHEN OLD.state = 'accepted' AND (OLD.state IS NOT NEW.state OR OLD.follower_id IS NOT NEW.follower_id OR OLD.following_id IS NOT NEW.following_id)
BEGIN
  UPDATE `account_stats` SET `followers` = `followers` - 1 WHERE `account_id` = OLD.following_id;
  UPDATE `account_stats` SET `following` = `following` - 1 WHERE `account_id` = OLD.follower_id;
END;
--> statement-breakpoint
CREATE TRIGGER `account_stats_follow_changed_in` AFTER UPDATE OF `state`, `follower_id`, `following_id` ON `follows`
WHEN NEW.state = 'accepted' AND (OLD.state IS NOT NEW.state OR OLD.follower_id IS NOT NEW.follower_id OR OLD.following_id IS NOT NEW.following_id)
BEGIN
  INSERT INTO `account_stats` (`account_id`, `followers`) VALUES (NEW.following_id, 1)
  ON CONFLICT (`account_id`) DO UPDATE SET `followers` = `followers` + 1;
  INSERT INTO `account_stats` (`account_id`, `following`) VALUES (NEW.follower_id, 1)
  ON CONFLICT (`account_id`) DO UPDATE SET `following` = `following` + 1;
END;
--> statement-breakpoint
-- What the database already holds, counted once.
INSERT INTO `account_stats` (`account_id`, `followers`, `following`, `statuses`, `last_status_at`)
SELECT ids.id,
  (SELECT count(*) FROM follows WHERE following_id = ids.id AND state = 'accepted'),
  (SELECT count(*) FROM follows WHERE follower_id = ids.id AND state = 'accepted'),
  (SELECT count(*) FROM statuses WHERE account_id = ids.id AND kind != 'boost' AND held = 0),
  (SELECT max(created_at) FROM statuses WHERE account_id = ids.id AND kind != 'boost' AND held = 0)
FROM (SELECT account_id AS id FROM statuses UNION SELECT follower_id FROM follows UNION SELECT following_id FROM follows) ids
WHERE true
ON CONFLICT (`account_id`) DO NOTHING;
