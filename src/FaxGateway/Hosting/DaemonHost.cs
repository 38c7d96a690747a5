using FaxGateway.Api;
using FaxGateway.Api.FaxPlus;
using FaxGateway.Api.Twilio;
using FaxGateway.Core;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Storage;
using FaxGateway.Storage.Twilio;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Prometheus;
using Scalar.AspNetCore;

namespace FaxGateway.Hosting;

/// <summary>
/// The composition root of the daemon: configuration, services of every layer, the HTTP pipeline.
/// Used by <c>faxgw run</c> and, unchanged, by the API tests' WebApplicationFactory (which only swaps
/// the server for a TestServer and may override services).
/// </summary>
internal static class DaemonHost
{
    public static IHostBuilder CreateHostBuilder(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Host.CreateDefaultBuilder()
            .UseContentRoot(AppContext.BaseDirectory)
            .UseSystemd()
            .ConfigureAppConfiguration((_, config) =>
            {
                if (settings.ConfigFile is { } file)
                {
                    config.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
                }

                config.AddEnvironmentVariables("FAXGW_");
                var overrides = new Dictionary<string, string?>();
                if (settings.DataDirectory is { } data)
                {
                    overrides[$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"] = Path.GetFullPath(data);
                }

                if (settings.Urls is { } urls)
                {
                    overrides["Urls"] = urls;
                }

                config.AddInMemoryCollection(overrides);
            })
            .ConfigureServices((context, services) => ConfigureServices(services, context.Configuration, settings))
            .ConfigureWebHostDefaults(web =>
            {
                web.Configure(ConfigurePipeline);
                if (settings.Urls is { } urls)
                {
                    web.UseUrls(urls);
                }
            });
    }

    public static void ConfigureServices(IServiceCollection services, IConfiguration configuration, DaemonSettings settings)
    {
        services.AddSqliteStorage(o =>
        {
            configuration.GetSection(StorageOptions.SectionName).Bind(o);
            if (string.IsNullOrWhiteSpace(o.DataDirectory))
            {
                o.DataDirectory = DaemonSettings.DefaultDataDirectory();
            }
        });
        // Metrics exported on /metrics, line health, call traces, systemd READY=1 and watchdog.
        services.AddOperations();
        services.AddFaxGatewayCore();
        services.Configure<QueueOptions>(configuration.GetSection(QueueOptions.SectionName));
        services.Configure<LineOptions>(configuration.GetSection(LineOptions.SectionName));
        services.AddDocumentsLayer();
        services.Configure<Core.Documents.DocumentOptions>(configuration.GetSection(Core.Documents.DocumentOptions.SectionName));
        services.AddFaxPlusApi();
        services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.SectionName));
        services.AddTwilioSqliteStorage();
        services.AddTwilioFax(o => TwilioHosting.Configure(o, configuration));
        DaemonLines.Configure(services, configuration, settings);
        services.AddRouting();

        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "FaxGateway";
            document.Info.Description = "FAX.PLUS v3 compatible fax API of an on-prem fax gateway.";
            return Task.CompletedTask;
        }));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = FaxPlusJson.Options.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = FaxPlusJson.Options.DefaultIgnoreCondition;
        });
    }

    public static void ConfigurePipeline(IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async http =>
            {
                var status = http.Features.Get<IExceptionHandlerFeature>()?.Error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
                http.Response.StatusCode = status;
                await http.Response.WriteAsJsonAsync(
                    new ApiError(status == 500 ? "internal_error" : "invalid_request", status == 500 ? "The gateway failed to handle the request; see its log." : "The request could not be read."),
                    FaxPlusJson.Options).ConfigureAwait(false);
            },
        });
        app.UseStatusCodePages(async context =>
        {
            // Routing-level 404/405 on the FAX.PLUS paths still get the {error, description} shape.
            var http = context.HttpContext;
            if (http.Request.Path.StartsWithSegments("/v1") && http.Response.ContentLength is null && !http.Response.HasStarted)
            {
                // The Twilio face answers routing-level errors in Twilio's shape.
                await TwilioWire.Error(http.Response.StatusCode, 20000 + http.Response.StatusCode, $"{http.Request.Method} {http.Request.Path} answered {http.Response.StatusCode}").ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            if (http.Request.Path.StartsWithSegments("/v3") && http.Response.ContentLength is null && !http.Response.HasStarted)
            {
                var status = http.Response.StatusCode;
                await http.Response.WriteAsJsonAsync(
                    new ApiError(status switch { 404 => "not_found", 405 => "method_not_allowed", 415 => "unsupported_media_type", _ => "error" }, $"{http.Request.Method} {http.Request.Path} answered {status}."),
                    FaxPlusJson.Options).ConfigureAwait(false);
            }
        });
        app.UseRouting();
        app.UseHttpMetrics();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapFaxPlusRoutes();
            endpoints.MapTwilioRoutes();
            endpoints.MapOpenApi();
            endpoints.MapScalarApiReference();
            endpoints.MapMetrics();
            endpoints.MapHealthEndpoints();
        });
    }

    /// <summary>Resolves every options object and collects what is wrong with the configuration, in plain words.</summary>
    public static IReadOnlyList<string> ValidateConfiguration(IServiceProvider services)
    {
        var problems = new List<string>();
        void Check<T>(Func<T, IEnumerable<string>> validate, string section) where T : class
        {
            try
            {
                problems.AddRange(validate(services.GetRequiredService<IOptions<T>>().Value));
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"Section {section}: {e.Message}");
            }
        }

        Check<StorageOptions>(o => o.Validate(), StorageOptions.SectionName);
        Check<QueueOptions>(o => o.Validate(), QueueOptions.SectionName);
        Check<LineOptions>(o => o.Validate(), LineOptions.SectionName);
        Check<ApiOptions>(o => o.Validate(), ApiOptions.SectionName);
        Check<TwilioOptions>(o => o.Validate(), TwilioOptions.SectionName);
        problems.AddRange(services.GetRequiredService<ModemLineOptions>().Validate());
        return problems;
    }
}
