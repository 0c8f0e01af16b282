{#-
  Google Analytics 4's default channel group (SEMANTICS.md, "Channels"), as one ordered
  rule table: the first rule whose condition holds names the channel, Unassigned when
  none does. Transcribed from Google's published definitions ("[GA4] Default channel
  group", support.google.com/analytics/answer/9756891, the channels for manual traffic):
  the conditions read a session's source, medium and campaign (lower-cased, GA4 matches
  without regard to case) and the source's category (search, social, video, shopping,
  email) from the source-category seed (seeds/snowplow_source_categories.csv, or the
  relation var snowplow__source_categories names). Google's auto-tagged Google Ads
  dimensions (ad network type, source platform) have no Snowplow field and are left out.
-#}

{#- Google's paid-medium and shopping-campaign patterns (RE2 on both engines). -#}
{% macro snowplow_channel_patterns() %}
  {{ return({
      'paid': '^(.*cp.*|ppc|retargeting|paid.*)$',
      'shop_campaign': '^(.*(([^a-df-z]|^)shop|shopping).*)$',
      'email': '^(email|e-mail|e_mail|e mail)$',
      'push': '(push$|mobile|notification)',
      'video': '^(.*video.*)$',
  }) }}
{% endmacro %}

{#- The ordered rules: (channel, SQL condition over the four input expressions). -#}
{% macro snowplow_channel_rules(source, medium, campaign, category) %}
  {%- set p = snowplow_channel_patterns() -%}
  {%- set paid = snowplow_regexp_contains(medium, p.paid) -%}
  {%- set shop_campaign = snowplow_regexp_contains(campaign, p.shop_campaign) -%}
  {%- set rules = [
    ('Direct',            source ~ " = '(direct)' and " ~ medium ~ " in ('(not set)', '(none)')"),
    ('Cross-network',     snowplow_regexp_contains(campaign, 'cross-network')),
    ('Paid Shopping',     "(" ~ category ~ " = 'shopping' or " ~ shop_campaign ~ ") and " ~ paid),
    ('Paid Search',       category ~ " = 'search' and " ~ paid),
    ('Paid Social',       category ~ " = 'social' and " ~ paid),
    ('Paid Video',        category ~ " = 'video' and " ~ paid),
    ('Display',           medium ~ " in ('display', 'banner', 'expandable', 'interstitial', 'cpm')"),
    ('Paid Other',        paid),
    ('Organic Shopping',  category ~ " = 'shopping' or " ~ shop_campaign),
    ('Organic Social',    category ~ " = 'social' or " ~ medium
                          ~ " in ('social', 'social-network', 'social-media', 'sm', 'social network', 'social media')"),
    ('Organic Video',     category ~ " = 'video' or " ~ snowplow_regexp_contains(medium, p.video)),
    ('Organic Search',    category ~ " = 'search' or " ~ medium ~ " = 'organic'"),
    ('Referral',          medium ~ " in ('referral', 'app', 'link')"),
    ('Email',             snowplow_regexp_contains(source, p.email) ~ " or " ~ snowplow_regexp_contains(medium, p.email)),
    ('Affiliates',        medium ~ " = 'affiliate'"),
    ('Audio',             medium ~ " = 'audio'"),
    ('SMS',               source ~ " = 'sms' or " ~ medium ~ " = 'sms'"),
    ('Mobile Push Notifications', snowplow_regexp_contains(medium, p.push)),
  ] -%}
  {{ return(rules) }}
{% endmacro %}

{#- The channel group of a session from its inputs (each a SQL expression). -#}
{% macro snowplow_channel_group(source, medium, campaign, category) -%}
  case
  {%- for channel, condition in snowplow_channel_rules(source, medium, campaign, category) %}
      when coalesce(({{ condition }}), false) then '{{ channel }}'
  {%- endfor %}
      else 'Unassigned'
  end
{%- endmacro %}

{#- The relation holding source -> source_category (a seed users may replace). -#}
{% macro snowplow_source_categories() %}
  {{ return(ref(var('snowplow__source_categories'))) }}
{% endmacro %}

{#- Every channel group, in rule order, Unassigned last, with a column name for each
    (daily_sessions_by_channel): [(channel, column)]. -#}
{% macro snowplow_channel_columns() %}
  {% set found = [] %}
  {% for channel, condition in snowplow_channel_rules('s', 'm', 'c', 'k') + [('Unassigned', none)] %}
    {% do found.append((channel, channel | lower | replace('-', '_') | replace(' ', '_'))) %}
  {% endfor %}
  {{ return(found) }}
{% endmacro %}
